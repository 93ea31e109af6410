namespace DeclarativeSft.Jinja.Runtime;

/// <summary>Jinja's built-in tests (<c>x is defined</c>, <c>x is string</c>, ...).</summary>
internal static class Tests
{
    public static bool Exists(string name) => name is "defined" or "undefined" or "none" or "string" or "mapping"
        or "iterable" or "sequence" or "number" or "integer" or "float" or "boolean" or "true" or "false" or "callable"
        or "odd" or "even" or "divisibleby" or "equalto" or "eq" or "==" or "ne" or "!=" or "lt" or "<" or "le" or "<="
        or "gt" or ">" or "ge" or ">=" or "in" or "lower" or "upper" or "sameas" or "escaped" or "filter" or "test";

    public static bool Apply(string name, object? v, CallArgs a)
    {
        object? Arg() => a.Positional.Count > 0 ? a.Positional[0]
            : throw new JinjaException($"test '{name}' needs an argument");
        switch (name)
        {
            case "defined": return v is not Undefined;
            case "undefined": return v is Undefined;
            case "none": return v is null;
            case "string": return v is string;
            case "mapping": return v is OrderedDictionary<string, object?>;
            case "iterable": return v is string or List<object?> or OrderedDictionary<string, object?>;
            case "sequence": return v is string or List<object?> or OrderedDictionary<string, object?>;
            case "number": return v is long or double or bool;
            case "integer": return v is long;
            case "float": return v is double;
            case "boolean": return v is bool;
            case "true": return v is true;
            case "false": return v is false;
            case "callable": return v is JinjaCallable;
            case "odd": return AsLong(v) % 2 != 0;
            case "even": return AsLong(v) % 2 == 0;
            case "divisibleby": { long d = AsLong(Arg()); return d != 0 && AsLong(v) % d == 0; }
            case "equalto" or "eq" or "==": return Values.PyEquals(v, Arg());
            case "ne" or "!=": return !Values.PyEquals(v, Arg());
            case "lt" or "<": return Values.Compare(v, Arg()) < 0;
            case "le" or "<=": return Values.Compare(v, Arg()) <= 0;
            case "gt" or ">": return Values.Compare(v, Arg()) > 0;
            case "ge" or ">=": return Values.Compare(v, Arg()) >= 0;
            case "in": return Values.Contains(Arg(), v);
            case "lower": return v is string s && s == s.ToLowerInvariant();
            case "upper": return v is string u && u == u.ToUpperInvariant();
            case "sameas": return SameAs(v, Arg());
            case "escaped": return false;
            case "filter": return Arg() is string f && Filters.Exists(f);
            case "test": return Arg() is string t && Exists(t);
        }
        throw new JinjaException($"No test named '{name}'.");
    }

    // Python `is`: None and booleans are singletons and CPython caches small ints; anything else is identity.
    private static bool SameAs(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (bool x, bool y) => x == y,
        (long x, long y) => x == y && x >= -5 && x <= 256,
        _ => ReferenceEquals(a, b),
    };

    private static long AsLong(object? v) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d when d == Math.Floor(d) => (long)d,
        Undefined u => throw u.Fail(),
        _ => throw new JinjaException($"expected an integer, got {Values.TypeName(v)}"),
    };
}
