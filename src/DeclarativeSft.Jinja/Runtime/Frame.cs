namespace DeclarativeSft.Jinja.Runtime;

/// <summary>
/// One variable scope. Jinja2 gives each for-loop iteration and each macro call its own scope, while if-blocks share
/// their parent's: a <c>set</c> inside a loop body does not survive to the next iteration (hence <c>namespace()</c>).
/// </summary>
internal sealed class Frame
{
    private readonly IReadOnlyDictionary<string, object?>? _readOnly;
    private Dictionary<string, object?>? _vars;

    public Frame(Frame? parent) { Parent = parent; }

    /// <summary>A root scope over caller-supplied variables (not copied).</summary>
    public Frame(IReadOnlyDictionary<string, object?> variables) { _readOnly = variables; }

    public Frame? Parent { get; }

    public object? Lookup(string name)
    {
        for (var f = this; f is not null; f = f.Parent)
        {
            if (f._vars is not null && f._vars.TryGetValue(name, out var v)) return v;
            if (f._readOnly is not null && f._readOnly.TryGetValue(name, out var r)) return r;
        }
        return Globals.Table.TryGetValue(name, out var g) ? g : Undefined.Named(name);
    }

    public void Set(string name, object? value) => (_vars ??= new Dictionary<string, object?>(4))[name] = value;

    /// <summary>Forgets this scope's own assignments (a loop reuses one scope per iteration).</summary>
    public void Clear() => _vars?.Clear();
}
