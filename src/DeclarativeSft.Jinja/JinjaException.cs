namespace DeclarativeSft.Jinja;

/// <summary>
/// A template could not be parsed or rendered. Carries the template position (1-based line and column) when known,
/// so a user can find the offending tag in a model's chat template.
/// </summary>
public class JinjaException : UserErrorException
{
    /// <summary>Creates an error without a position yet (the interpreter attaches one as it unwinds).</summary>
    public JinjaException(string reason) : base(reason) { Reason = reason; }

    /// <summary>Creates an error at a template position.</summary>
    public JinjaException(string reason, int line, int column, Exception? inner = null)
        : base(line > 0 ? $"{reason} (template line {line}, column {column})" : reason, inner)
    {
        Reason = reason;
        TemplateLine = line;
        TemplateColumn = column;
    }

    /// <summary>What went wrong, without the position suffix (for <c>raise_exception</c>: exactly the template's message).</summary>
    public string Reason { get; }

    /// <summary>1-based template line, or 0 when unknown.</summary>
    public int TemplateLine { get; }

    /// <summary>1-based template column, or 0 when unknown.</summary>
    public int TemplateColumn { get; }

    /// <summary>True when the template itself called <c>raise_exception(msg)</c>.</summary>
    public bool RaisedByTemplate { get; init; }

    internal bool HasLocation => TemplateLine > 0;

    internal JinjaException At(int line, int column) => HasLocation ? this : WithLocation(line, column);

    /// <summary>The same error at a template position (subclasses keep their type).</summary>
    internal virtual JinjaException WithLocation(int line, int column) =>
        new JinjaException(Reason, line, column, InnerException) { RaisedByTemplate = RaisedByTemplate };
}
