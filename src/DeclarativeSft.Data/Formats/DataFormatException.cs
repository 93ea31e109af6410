namespace DeclarativeSft.Data;

/// <summary>A data file line that cannot be used. The message starts with <c>file:line:</c> and says what is
/// wrong and what to do, so that callers can print it as is.</summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException(string file, int line, string problem)
        : base($"{file}:{line}: {problem}")
    {
        File = file;
        Line = line;
        Problem = problem;
    }

    public string File { get; }

    /// <summary>1-based line number.</summary>
    public int Line { get; }

    /// <summary>The message without the location prefix.</summary>
    public string Problem { get; }
}
