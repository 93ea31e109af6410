namespace DeclarativeSft.Torch;

/// <summary>The torch runtime cannot start as configured (missing natives, a LIBTORCH of the wrong version). The
/// message says what was found and what to do; programs print it as a one-line error.</summary>
public sealed class TorchRuntimeException(string message, Exception? inner = null) : UserErrorException(message, inner);
