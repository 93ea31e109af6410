namespace DeclarativeSft.Data;

/// <summary>One line of a <c>data.format: custom</c> file: valid JSON of any shape, not yet a conversation. The
/// recipe's <c>data.transform</c> turns it into one.</summary>
/// <param name="Json">The line's text (without its line break), already checked to be one JSON value.</param>
/// <param name="File">The data file.</param>
/// <param name="Line">1-based line number in <paramref name="File"/>.</param>
public sealed record RawDataLine(string Json, string File, int Line)
{
    /// <summary><c>file:line</c>, as errors name it.</summary>
    public string Location => $"{File}:{Line}";
}
