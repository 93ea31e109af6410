namespace DeclarativeSft.Tokenizers.Jsonl;

/// <summary>A line of a JSONL input that cannot be used; the message is <c>file:line: error: …</c>.</summary>
public sealed class JsonlInputException(string path, int line, string message)
    : UserErrorException($"{path}:{line}: error: {message}")
{
    public string FilePath { get; } = path;

    public int Line { get; } = line;
}
