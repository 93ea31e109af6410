namespace DeclarativeSft.Tokenizers;

/// <summary>A tokenizer file that cannot be used: malformed JSON, a missing field or a component this
/// implementation does not support. The message names the file and what to do.</summary>
public sealed class TokenizerLoadException : UserErrorException
{
    public TokenizerLoadException(string path, string message, Exception? inner = null)
        : base($"{path}: {message}", inner) => FilePath = path;

    /// <summary>The file that could not be loaded.</summary>
    public string FilePath { get; }
}
