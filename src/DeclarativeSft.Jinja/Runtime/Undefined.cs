namespace DeclarativeSft.Jinja.Runtime;

/// <summary>
/// Jinja2's default <c>Undefined</c>: renders as empty, is falsy, iterates as empty, and raises only when used in a
/// way that needs a value (attribute access, arithmetic, calls).
/// </summary>
internal sealed class Undefined
{
    public static readonly Undefined Plain = new("value is undefined");

    private Undefined(string hint) { Hint = hint; }

    /// <summary>The message Jinja would raise on misuse, e.g. <c>'foo' is undefined</c>.</summary>
    public string Hint { get; }

    public static Undefined Named(string name) => new($"'{name}' is undefined");
    public static Undefined NoAttribute(object? owner, string attribute) =>
        new($"'{Values.TypeName(owner)} object' has no attribute '{attribute}'");
    public static Undefined WithHint(string hint) => new(hint);

    public JinjaException Fail() => new(Hint);
}
