using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DeclarativeSft.Jinja.Runtime;

/// <summary>A Python tuple (a list that prints with parentheses).</summary>
internal sealed class PyTuple : List<object?>
{
    public PyTuple() { }
    public PyTuple(IEnumerable<object?> items) : base(items) { }
}

/// <summary>
/// The runtime value model and Python's rules over it. Values are: null (None), <see cref="Undefined"/>, string,
/// long (int), double (float), bool, <see cref="List{T}"/> of values, <see cref="OrderedDictionary{TKey,TValue}"/>
/// keyed by string (dict), <see cref="Namespace"/>, <see cref="LoopContext"/>, <see cref="JinjaCallable"/>.
/// </summary>
internal static class Values
{
    /// <summary>Converts a .NET object supplied by a caller into the runtime value model.</summary>
    public static object? FromDotNet(object? value) => value switch
    {
        null => null,
        string or bool or long or double or Undefined or Namespace or JinjaCallable => value,
        OrderedDictionary<string, object?> or List<object?> => value,
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        uint u => (long)u,
        float f => (double)f,
        decimal m => (double)m,
        JsonElement e => FromJson(e),
        ChatTurn t => new OrderedDictionary<string, object?> { ["role"] = t.Role, ["content"] = t.Content },
        IDictionary<string, object?> d => ToDict(d),
        IReadOnlyDictionary<string, object?> d => ToDict(d),
        IDictionary d => ToDict(d),
        IEnumerable e => e.Cast<object?>().Select(FromDotNet).ToList(),
        _ => throw new JinjaException($"A value of .NET type {value.GetType().Name} cannot be passed to a template"),
    };

    private static OrderedDictionary<string, object?> ToDict(IEnumerable<KeyValuePair<string, object?>> d)
    {
        var r = new OrderedDictionary<string, object?>();
        foreach (var (k, v) in d) r[k] = FromDotNet(v);
        return r;
    }

    private static OrderedDictionary<string, object?> ToDict(IDictionary d)
    {
        var r = new OrderedDictionary<string, object?>();
        foreach (DictionaryEntry e in d) r[Convert.ToString(e.Key, CultureInfo.InvariantCulture)!] = FromDotNet(e.Value);
        return r;
    }

    /// <summary>Converts JSON as Python's json.loads would (integers stay ints, other numbers become floats).</summary>
    public static object? FromJson(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String: return e.GetString();
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined: return null;
            case JsonValueKind.Number:
                {
                    string raw = e.GetRawText();
                    bool isInt = raw.IndexOfAny(['.', 'e', 'E']) < 0;
                    if (isInt && e.TryGetInt64(out long l)) return l;
                    return e.GetDouble();
                }
            case JsonValueKind.Array:
                {
                    var list = new List<object?>(e.GetArrayLength());
                    foreach (var item in e.EnumerateArray()) list.Add(FromJson(item));
                    return list;
                }
            default:
                {
                    var d = new OrderedDictionary<string, object?>();
                    foreach (var p in e.EnumerateObject()) d[p.Name] = FromJson(p.Value);
                    return d;
                }
        }
    }

    /// <summary>Python's type name, for error messages.</summary>
    public static string TypeName(object? v) => v switch
    {
        null => "NoneType",
        Undefined => "Undefined",
        string => "str",
        bool => "bool",
        long => "int",
        double => "float",
        PyTuple => "tuple",
        List<object?> => "list",
        OrderedDictionary<string, object?> => "dict",
        Namespace => "Namespace",
        LoopContext => "LoopContext",
        JinjaCallable => "function",
        _ => v.GetType().Name,
    };

    /// <summary>Python truthiness.</summary>
    public static bool Truthy(object? v) => v switch
    {
        null => false,
        Undefined => false,
        bool b => b,
        string s => s.Length > 0,
        long l => l != 0,
        double d => d != 0,
        List<object?> l => l.Count > 0,
        OrderedDictionary<string, object?> d => d.Count > 0,
        _ => true,
    };

    /// <summary>Python <c>str(value)</c>, which is what <c>{{ value }}</c> prints.</summary>
    public static string Str(object? v) => v switch
    {
        string s => s,
        null => "None",
        Undefined => "",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => PyText.FloatRepr(d),
        _ => Repr(v),
    };

    /// <summary>Python <c>repr(value)</c> (used inside printed lists and dicts).</summary>
    public static string Repr(object? v)
    {
        RenderBudget.EnsureStack();
        switch (v)
        {
            case string s: return PyText.Repr(s);
            case null or Undefined or bool or long or double: return Str(v);
            case PyTuple t:
                return t.Count == 1 ? "(" + Repr(t[0]) + ",)" : "(" + string.Join(", ", t.Select(Repr)) + ")";
            case List<object?> l: return "[" + string.Join(", ", l.Select(Repr)) + "]";
            case OrderedDictionary<string, object?> d:
                return "{" + string.Join(", ", d.Select(kv => PyText.Repr(kv.Key) + ": " + Repr(kv.Value))) + "}";
            case Namespace n:
                return "<Namespace " + "{" + string.Join(", ", n.Attributes.Select(kv => PyText.Repr(kv.Key) + ": " + Repr(kv.Value))) + "}>";
            case JinjaCallable c: return $"<function {c.Name}>";
            default: return v.ToString() ?? "";
        }
    }

    public static bool IsNumber(object? v) => v is long or double or bool;

    public static double ToDouble(object? v) => v switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new JinjaException($"expected a number, got {TypeName(v)}"),
    };

    /// <summary>Python <c>==</c>.</summary>
    public static bool PyEquals(object? a, object? b)
    {
        if (ReferenceEquals(a, b)) return true;
        RenderBudget.EnsureStack();
        switch (a)
        {
            case null: return b is null;
            case Undefined: return b is Undefined;
            case string s: return b is string t && string.Equals(s, t, StringComparison.Ordinal);
            case long or double or bool when IsNumber(b):
                if (a is double || b is double) return ToDouble(a) == ToDouble(b);
                return AsLong(a) == AsLong(b);
            case List<object?> l when b is List<object?> m:
                if (l.Count != m.Count || (a is PyTuple) != (b is PyTuple)) return false;
                for (int i = 0; i < l.Count; i++) if (!PyEquals(l[i], m[i])) return false;
                return true;
            case OrderedDictionary<string, object?> d when b is OrderedDictionary<string, object?> e:
                if (d.Count != e.Count) return false;
                foreach (var (k, v) in d) if (!e.TryGetValue(k, out var w) || !PyEquals(v, w)) return false;
                return true;
            default: return false;
        }
    }

    private static long AsLong(object? v) => v switch { long l => l, bool b => b ? 1 : 0, _ => 0 };

    /// <summary>Python ordering (<c>&lt;</c> and friends); raises for unorderable types like Python does.</summary>
    public static int Compare(object? a, object? b)
    {
        RenderBudget.EnsureStack();
        if (a is Undefined u) throw u.Fail();
        if (b is Undefined u2) throw u2.Fail();
        if (IsNumber(a) && IsNumber(b))
        {
            if (a is double || b is double) return ToDouble(a).CompareTo(ToDouble(b));
            return AsLong(a).CompareTo(AsLong(b));
        }
        if (a is string s && b is string t) return CompareCodePoints(s, t);
        if (a is List<object?> l && b is List<object?> m)
        {
            for (int i = 0; i < Math.Min(l.Count, m.Count); i++)
            {
                if (PyEquals(l[i], m[i])) continue;
                return Compare(l[i], m[i]);
            }
            return l.Count.CompareTo(m.Count);
        }
        throw new JinjaException($"'<' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    /// <summary>Orders strings by Unicode code point, as Python does (UTF-16 ordinal differs above U+FFFF).</summary>
    public static int CompareCodePoints(string a, string b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            char x = a[i], y = b[i];
            if (x == y) continue;
            bool xs = char.IsSurrogate(x), ys = char.IsSurrogate(y);
            if (xs == ys) return x.CompareTo(y);
            return xs ? 1 : -1; // a surrogate encodes a code point above every BMP unit past U+D7FF
        }
        return a.Length.CompareTo(b.Length);
    }

    /// <summary>Python iteration: lists, dict keys, string code points; Undefined iterates as empty.</summary>
    public static IReadOnlyList<object?> Iterate(object? v) => v switch
    {
        List<object?> l => l,
        OrderedDictionary<string, object?> d => d.Keys.Cast<object?>().ToList(),
        string s => PyText.CodePoints(s).Cast<object?>().ToList(),
        Undefined => Array.Empty<object?>(),
        Namespace => throw new JinjaException("'Namespace' object is not iterable"),
        _ => throw new JinjaException($"'{TypeName(v)}' object is not iterable"),
    };

    /// <summary>Python <c>len()</c>.</summary>
    public static long Length(object? v) => v switch
    {
        string s => PyText.Length(s),
        List<object?> l => l.Count,
        OrderedDictionary<string, object?> d => d.Count,
        Undefined => 0,
        _ => throw new JinjaException($"object of type '{TypeName(v)}' has no len()"),
    };

    /// <summary>Python <c>x in container</c>.</summary>
    public static bool Contains(object? container, object? item) => container switch
    {
        string s when item is string t => s.Contains(t, StringComparison.Ordinal),
        string => throw new JinjaException($"'in <string>' requires string as left operand, not {TypeName(item)}"),
        List<object?> l => l.Exists(x => PyEquals(x, item)),
        OrderedDictionary<string, object?> d => item is string k && d.ContainsKey(k),
        Namespace n => item is string k2 && n.Attributes.ContainsKey(k2),
        Undefined => false,
        _ => throw new JinjaException($"argument of type '{TypeName(container)}' is not iterable"),
    };

    /// <summary><c>obj.name</c>: Jinja tries the attribute (methods) first, then the item.</summary>
    public static object? GetAttribute(object? obj, string name)
    {
        switch (obj)
        {
            case Undefined u: throw u.Fail();
            case OrderedDictionary<string, object?> d:
                if (Methods.IsMethod(obj, name)) return new BoundMethod(obj, name);
                return d.TryGetValue(name, out var v) ? v : Undefined.NoAttribute(obj, name);
            case Namespace n:
                return n.Attributes.TryGetValue(name, out var nv) ? nv : Undefined.NoAttribute(obj, name);
            case LoopContext loop: return loop.Get(name);
            case null: return Undefined.NoAttribute(obj, name);
            default:
                if (Methods.IsMethod(obj, name)) return new BoundMethod(obj, name);
                return Undefined.NoAttribute(obj, name);
        }
    }

    /// <summary><c>obj[key]</c>: Jinja tries the item first, then the attribute.</summary>
    public static object? GetItem(object? obj, object? key)
    {
        switch (obj)
        {
            case Undefined u: throw u.Fail();
            case OrderedDictionary<string, object?> d:
                if (key is string k && d.TryGetValue(k, out var v)) return v;
                return key is string k2 ? GetAttribute(obj, k2) : Undefined.WithHint($"'dict object' has no attribute {Repr(key)}");
            case List<object?> l when key is long or bool:
                {
                    long i = key is bool b ? (b ? 1 : 0) : (long)key;
                    if (i < 0) i += l.Count;
                    return i >= 0 && i < l.Count ? l[(int)i] : Undefined.WithHint($"{TypeName(obj)} object has no element {key}");
                }
            case string s when key is long or bool:
                {
                    long i = key is bool b ? (b ? 1 : 0) : (long)key;
                    if (!PyText.HasSurrogates(s))
                    {
                        if (i < 0) i += s.Length;
                        return i >= 0 && i < s.Length ? s[(int)i].ToString() : Undefined.WithHint($"str object has no element {key}");
                    }
                    var cps = PyText.CodePoints(s);
                    if (i < 0) i += cps.Count;
                    return i >= 0 && i < cps.Count ? cps[(int)i] : Undefined.WithHint($"str object has no element {key}");
                }
            default:
                if (key is string name) return GetAttribute(obj, name);
                return Undefined.WithHint($"'{TypeName(obj)} object' has no attribute {Repr(key)}");
        }
    }

    /// <summary>Python slicing <c>seq[start:stop:step]</c> on lists and strings.</summary>
    public static object? Slice(object? obj, object? start, object? stop, object? step)
    {
        long? Opt(object? x, string what) => x switch
        {
            null or Undefined => null,
            long l => l,
            bool b => b ? 1 : 0,
            _ => throw new JinjaException($"slice {what} must be an integer or None, not {TypeName(x)}"),
        };
        long st = Opt(step, "step") ?? 1;
        if (st == 0) throw new JinjaException("slice step cannot be zero");
        IReadOnlyList<object?> items = obj switch
        {
            List<object?> l => l,
            string s => PyText.HasSurrogates(s) ? PyText.CodePoints(s).Cast<object?>().ToList() : null!,
            Undefined u => throw u.Fail(),
            _ => throw new JinjaException($"'{TypeName(obj)}' object is not subscriptable"),
        };
        string? plain = obj is string ps && items is null ? ps : null;
        int len = plain?.Length ?? items!.Count;
        long a = Opt(start, "start") ?? (st > 0 ? 0 : len - 1);
        long b = Opt(stop, "stop") ?? (st > 0 ? len : -len - 1);
        if (Opt(start, "start") is not null) a = a < 0 ? Math.Max(a + len, st > 0 ? 0 : -1) : Math.Min(a, st > 0 ? len : len - 1);
        if (Opt(stop, "stop") is not null) b = b < 0 ? Math.Max(b + len, st > 0 ? 0 : -1) : Math.Min(b, st > 0 ? len : len - 1);
        else if (st < 0) b = -1;
        var indices = new List<int>();
        for (long i = a; st > 0 ? i < b : i > b; i += st) indices.Add((int)i);
        if (plain is not null)
        {
            if (st == 1) return a < b ? plain[(int)a..(int)b] : "";
            var sb = new StringBuilder(indices.Count);
            foreach (int i in indices) sb.Append(plain[i]);
            return sb.ToString();
        }
        if (obj is string)
        {
            var sb = new StringBuilder();
            foreach (int i in indices) sb.Append((string)items![i]!);
            return sb.ToString();
        }
        var result = obj is PyTuple ? new PyTuple() : new List<object?>(indices.Count);
        foreach (int i in indices) result.Add(items![i]);
        return result;
    }
}
