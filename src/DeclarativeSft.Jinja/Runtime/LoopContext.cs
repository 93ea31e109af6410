namespace DeclarativeSft.Jinja.Runtime;

/// <summary>The <c>loop</c> variable inside a for-loop.</summary>
internal sealed class LoopContext
{
    private readonly IReadOnlyList<object?> _items;

    public LoopContext(IReadOnlyList<object?> items, int depth0) { _items = items; Depth0 = depth0; }

    public int Index0 { get; set; }
    public int Depth0 { get; }
    public int Length => _items.Count;
    private object? _lastChanged = Undefined.Plain;

    public object? Get(string name) => name switch
    {
        "index" => (long)(Index0 + 1),
        "index0" => (long)Index0,
        "revindex" => (long)(Length - Index0),
        "revindex0" => (long)(Length - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == Length - 1,
        "length" => (long)Length,
        "depth" => (long)(Depth0 + 1),
        "depth0" => (long)Depth0,
        "previtem" => Index0 > 0 ? _items[Index0 - 1] : Undefined.WithHint("there is no previous item"),
        "nextitem" => Index0 < Length - 1 ? _items[Index0 + 1] : Undefined.WithHint("there is no next item"),
        "cycle" => new BuiltinFunction("cycle", a =>
        {
            if (a.Positional.Count == 0) throw new JinjaException("no items for cycling given");
            return a.Positional[Index0 % a.Positional.Count];
        }),
        "changed" => new BuiltinFunction("changed", a =>
        {
            object? v = a.Positional.Count == 1 ? a.Positional[0] : new List<object?>(a.Positional);
            if (_lastChanged is Undefined || !Values.PyEquals(_lastChanged, v)) { _lastChanged = v; return true; }
            return false;
        }),
        _ => Undefined.NoAttribute(this, name),
    };
}
