namespace DeclarativeSft.Runtime.Safetensors;

/// <summary>A safetensors file or index that cannot be read or does not hold what was asked for.
/// The message always names the file and, where one is involved, the tensor.</summary>
public sealed class SafetensorsException : UserErrorException
{
    /// <summary>Creates the exception with a message that names the file (and tensor).</summary>
    public SafetensorsException(string message, Exception? inner = null) : base(message, inner) { }
}
