namespace DeclarativeSft.Jinja.Runtime;

/// <summary>The object made by <c>namespace(...)</c>: the one thing whose attributes a template may assign.</summary>
internal sealed class Namespace
{
    public Dictionary<string, object?> Attributes { get; } = new();
}
