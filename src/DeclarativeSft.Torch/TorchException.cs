namespace DeclarativeSft.Torch;

/// <summary>A libtorch operation failed; <see cref="Exception.Message"/> is libtorch's own message.</summary>
public sealed class TorchException : Exception
{
    /// <summary>Creates the exception with libtorch's message.</summary>
    public TorchException(string message) : base(message) { }
}
