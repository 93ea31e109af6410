namespace DeclarativeSft.Data;

/// <summary>What is wrong with a data line, so that the build can give each kind its own diagnostic ID.</summary>
public enum DataProblemKind
{
    /// <summary>The file is not text: a NUL byte (binary file).</summary>
    NotText,
    /// <summary>The text is not valid UTF-8, or holds U+FFFD, which invalid bytes decode to (the build sees decoded
    /// text, so the two look the same there; <see cref="DatasetReader.ReplacementCharacterProblem"/>).</summary>
    NotUtf8,
    /// <summary>The line is not one JSON object.</summary>
    NotJson,
    /// <summary>A field the format needs is missing or has the wrong type.</summary>
    MissingField,
    /// <summary>A turn's role is not one of the format's roles (<see cref="DataFormatException.Value"/> holds it).</summary>
    UnknownRole,
    /// <summary>The turns are not system?, then user/assistant alternating, ending with assistant.</summary>
    WrongOrder,
    /// <summary>Longer than max_seq_len under <c>truncation: error</c> (<see cref="DataFormatException.Value"/>: its token count).</summary>
    TooLong,
    /// <summary>No token of the example is trained under the recipe's mask.</summary>
    NoTrainedToken,
    /// <summary>The chat template cannot render the example.</summary>
    TemplateFailed,
    /// <summary>The recipe's data.transform refused the line or failed on it.</summary>
    TransformFailed,
}

/// <summary>A data file line that cannot be used. The message starts with <c>file:line:</c> and says what is
/// wrong and what to do, so that callers can print it as is. The same reader raises it at build time (where it
/// becomes an SFT diagnostic at <see cref="Line"/>:<see cref="Column"/>) and at run time.</summary>
public sealed class DataFormatException : UserErrorException
{
    public DataFormatException(string file, int line, string problem, DataProblemKind kind = DataProblemKind.TemplateFailed, int column = 1, string? value = null)
        : base($"{file}:{line}: {problem}")
    {
        File = file;
        Line = line;
        Problem = problem;
        Kind = kind;
        Column = column;
        Value = value;
    }

    public string File { get; }

    /// <summary>1-based line number.</summary>
    public int Line { get; }

    /// <summary>1-based column (UTF-16 code units) of the value at fault; 1 when the whole line is.</summary>
    public int Column { get; }

    /// <summary>The message without the location prefix.</summary>
    public string Problem { get; }

    /// <summary>The kind of problem.</summary>
    public DataProblemKind Kind { get; }

    /// <summary>The offending value where there is one: the unknown role, the bare reason a line is not JSON or a
    /// field is wrong (without the layout hint), the token count of a too-long example.</summary>
    public string? Value { get; }
}
