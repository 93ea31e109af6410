namespace DeclarativeSft.Jinja.Runtime;

/// <summary>Positional and keyword arguments of one call.</summary>
internal readonly record struct CallArgs(List<object?> Positional, Dictionary<string, object?>? Keywords)
{
    public static readonly CallArgs Empty = new(new List<object?>(), null);

    public object? Get(int index, string name, object? fallback = null)
    {
        if (index >= 0 && index < Positional.Count) return Positional[index];
        if (Keywords is not null && Keywords.TryGetValue(name, out var v)) return v;
        return fallback;
    }

    public bool Has(int index, string name) =>
        (index >= 0 && index < Positional.Count) || (Keywords?.ContainsKey(name) ?? false);
}

/// <summary>A value a template can call: a global function, a macro, a bound method.</summary>
internal abstract class JinjaCallable
{
    public abstract string Name { get; }
    public abstract object? Invoke(CallArgs args);
}

/// <summary>A callable backed by a delegate (globals such as <c>range</c> and <c>raise_exception</c>).</summary>
internal sealed class BuiltinFunction(string name, Func<CallArgs, object?> body) : JinjaCallable
{
    public override string Name => name;
    public override object? Invoke(CallArgs args) => body(args);
}

/// <summary>A method looked up on a value (<c>'x'.strip</c>, <c>d.items</c>), bound to that value.</summary>
internal sealed class BoundMethod(object target, string name) : JinjaCallable
{
    public object Target => target;
    public override string Name => name;
    public override object? Invoke(CallArgs args) => Methods.Call(target, name, args);
}
