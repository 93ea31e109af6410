using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DeclarativeSft.Jinja.Runtime;

/// <summary>Jinja2's built-in filters with Python semantics, plus transformers' <c>tojson</c>.</summary>
internal static partial class Filters
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "abs", "attr", "capitalize", "center", "count", "length", "d", "default", "dictsort", "e", "escape",
        "forceescape", "first", "last", "float", "format", "indent", "int", "items", "join", "list", "lower", "upper",
        "title", "trim", "map", "max", "min", "reject", "rejectattr", "select", "selectattr", "replace", "reverse",
        "round", "safe", "sort", "string", "sum", "tojson", "unique", "wordcount", "batch", "bool",
    };

    public static bool Exists(string name) => Names.Contains(name);

    public static object? Apply(string name, object? v, CallArgs a)
    {
        switch (name)
        {
            case "safe": return v;
            case "string": return Values.Str(v);
            case "d" or "default":
                {
                    object? fallback = a.Get(0, "default_value", "");
                    bool boolean = Values.Truthy(a.Get(1, "boolean", false));
                    return v is Undefined || (boolean && !Values.Truthy(v)) ? fallback : v;
                }
            case "length" or "count": return Values.Length(v);
            case "trim": return PyText.Strip(Values.Str(v), a.Get(0, "chars") as string);
            case "upper": return Values.Str(v).ToUpperInvariant();
            case "lower": return Values.Str(v).ToLowerInvariant();
            case "capitalize": return PyText.Capitalize(Values.Str(v));
            case "title": return Title(Values.Str(v));
            case "center":
                {
                    string s = Values.Str(v);
                    long wide = AsLong(a.Get(0, "width", 80L));
                    RenderBudget.Current.CheckSize(wide);
                    int width = (int)wide;
                    int pad = width - PyText.Length(s);
                    if (pad <= 0) return s;
                    int left = pad / 2 + (pad & width & 1);
                    return new string(' ', left) + s + new string(' ', pad - left);
                }
            case "wordcount": return (long)WordRegex().Matches(Values.Str(v)).Count;
            case "e" or "escape" or "forceescape": return Escape(Values.Str(v));
            case "replace":
                {
                    string s = Values.Str(v);
                    object? count = a.Get(2, "count");
                    return Methods.Replace(s, Values.Str(a.Get(0, "old")), Values.Str(a.Get(1, "new")), count is null ? -1 : AsLong(count));
                }
            case "indent": return Indent(Values.Str(v), a);
            case "first": { var items = Values.Iterate(v); return items.Count > 0 ? items[0] : Undefined.WithHint("No first item, sequence was empty."); }
            case "last": { var items = Values.Iterate(v); return items.Count > 0 ? items[^1] : Undefined.WithHint("No last item, sequence was empty."); }
            case "list": return new List<object?>(Values.Iterate(v));
            case "reverse":
                {
                    if (v is string s) { var cps = PyText.CodePoints(s); cps.Reverse(); return string.Concat(cps); }
                    var list = new List<object?>(Values.Iterate(v));
                    list.Reverse();
                    return list;
                }
            case "items":
                return v switch
                {
                    Undefined => new List<object?>(),
                    OrderedDictionary<string, object?> d => d.Select(kv => (object?)new PyTuple { kv.Key, kv.Value }).ToList(),
                    _ => throw new JinjaException($"Can only get item pairs from a mapping, not {Values.TypeName(v)}"),
                };
            case "dictsort": return DictSort(v, a);
            case "join": return Join(v, a);
            case "abs":
                return v switch
                {
                    long l => (object)Math.Abs(l),
                    double d => Math.Abs(d),
                    bool b => b ? 1L : 0L,
                    _ => throw new JinjaException($"bad operand type for abs(): '{Values.TypeName(v)}'"),
                };
            case "int": return ToInt(v, a);
            case "float": return ToFloat(v, a.Get(0, "default", 0.0));
            case "bool": return Values.Truthy(v);
            case "round": return Round(v, a);
            case "sum":
                {
                    object? total = a.Get(1, "start", 0L);
                    string? attribute = a.Get(0, "attribute") as string;
                    foreach (var item in Values.Iterate(v))
                        total = Operators.Binary("+", total, attribute is null ? item : AttributePath(item, attribute));
                    return total;
                }
            case "max" or "min":
                {
                    var items = Values.Iterate(v);
                    if (items.Count == 0) return Undefined.WithHint($"No aggregated item, sequence was empty.");
                    bool cs = Values.Truthy(a.Get(0, "case_sensitive", false));
                    string? attribute = a.Get(1, "attribute") as string;
                    object? best = items[0];
                    foreach (var item in items.Skip(1))
                    {
                        int c = Values.Compare(SortKey(item, attribute, cs), SortKey(best, attribute, cs));
                        if (name == "max" ? c > 0 : c < 0) best = item;
                    }
                    return best;
                }
            case "sort":
                {
                    bool reverse = Values.Truthy(a.Get(0, "reverse", false));
                    bool cs = Values.Truthy(a.Get(1, "case_sensitive", false));
                    string? attribute = a.Get(2, "attribute") as string;
                    var items = new List<object?>(Values.Iterate(v));
                    var keys = items.Select(x => SortKey(x, attribute, cs)).ToList();
                    var order = Enumerable.Range(0, items.Count).ToList();
                    // Stable sort, like Python's sorted(); reverse keeps equal items in their original order too.
                    var sorted = reverse
                        ? order.OrderByDescending(i => keys[i], Comparer<object?>.Create(Values.Compare))
                        : order.OrderBy(i => keys[i], Comparer<object?>.Create(Values.Compare));
                    return sorted.Select(i => items[i]).ToList();
                }
            case "unique":
                {
                    bool cs = Values.Truthy(a.Get(0, "case_sensitive", false));
                    string? attribute = a.Get(1, "attribute") as string;
                    var seen = new List<object?>();
                    var result = new List<object?>();
                    foreach (var item in Values.Iterate(v))
                    {
                        var key = SortKey(item, attribute, cs);
                        if (seen.Exists(k => Values.PyEquals(k, key))) continue;
                        seen.Add(key);
                        result.Add(item);
                    }
                    return result;
                }
            case "map": return Map(v, a);
            case "select" or "reject": return Select(v, a, name == "select", byAttribute: false);
            case "selectattr" or "rejectattr": return Select(v, a, name == "selectattr", byAttribute: true);
            case "attr": return Values.GetAttribute(v, Values.Str(a.Get(0, "name")));
            case "tojson":
                {
                    object? indent = a.Get(0, "indent");
                    object? separators = a.Get(2, "separators");
                    string? itemSep = null, keySep = null;
                    if (separators is List<object?> { Count: 2 } seps) { itemSep = Values.Str(seps[0]); keySep = Values.Str(seps[1]); }
                    else if (separators is not null) throw new JinjaException("tojson separators must be a pair of strings");
                    return Json.Dumps(v, indent is null ? null : AsLong(indent), Values.Truthy(a.Get(1, "ensure_ascii", false)),
                        itemSep, keySep, Values.Truthy(a.Get(3, "sort_keys", false)));
                }
            case "format": return PercentFormat(Values.Str(v), a);
            case "batch":
                {
                    long size = AsLong(a.Get(0, "linecount"));
                    if (size <= 0) throw new JinjaException("batch size must be positive");
                    var result = new List<object?>();
                    List<object?>? current = null;
                    foreach (var item in Values.Iterate(v))
                    {
                        if (current is null || current.Count == size) { current = new List<object?>(); result.Add(current); }
                        current.Add(item);
                    }
                    if (current is not null && a.Has(1, "fill_with")) while (current.Count < size) current.Add(a.Get(1, "fill_with"));
                    return result;
                }
        }
        throw new JinjaException($"No filter named '{name}'.");
    }

    private static long AsLong(object? v) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d => (long)d,
        _ => throw new JinjaException($"expected an integer, got {Values.TypeName(v)}"),
    };

#if NET
    [GeneratedRegex(@"\w+")]
    private static partial Regex WordRegex();

    [GeneratedRegex(@"([-\s({\[<]+)")]
    private static partial Regex WordBeginningSplit();
#else
    // netstandard2.0 (the generator) has no regex source generator: the same patterns, compiled once.
    private static readonly Regex WordPattern = new(@"\w+");
    private static readonly Regex WordBeginningPattern = new(@"([-\s({\[<]+)");
    private static Regex WordRegex() => WordPattern;
    private static Regex WordBeginningSplit() => WordBeginningPattern;
#endif

    // Jinja's title filter (not str.title): words start after whitespace, '-', or an opening bracket.
    private static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var item in WordBeginningSplit().Split(s))
        {
            if (item.Length == 0) continue;
            sb.Append(char.ToUpperInvariant(item[0])).Append(item[1..].ToLowerInvariant());
        }
        return sb.ToString();
    }

    private static string Escape(string s)
    {
        if (s.AsSpan().IndexOfAny("&<>\"'") < 0) return s;
        var sb = new StringBuilder(s.Length + 16);
        foreach (char c in s)
            sb.Append(c switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", '"' => "&#34;", '\'' => "&#39;", _ => c.ToString() });
        return sb.ToString();
    }

    private static string Indent(string s, CallArgs a)
    {
        object? width = a.Get(0, "width", 4L);
        if (width is not string) RenderBudget.Current.CheckSize(AsLong(width));
        string indention = width is string w ? w : new string(' ', (int)Math.Max(0, AsLong(width)));
        bool first = Values.Truthy(a.Get(1, "first", false));
        bool blank = Values.Truthy(a.Get(2, "blank", false));
        var lines = PyText.SplitLines(s + "\n");
        RenderBudget.Current.CheckSize(s.Length + RenderBudget.Times(indention.Length, lines.Count + 1));
        string rv;
        if (blank) rv = string.Join("\n" + indention, lines);
        else
        {
            var sb = new StringBuilder(lines.Count > 0 ? lines[0] : "");
            for (int i = 1; i < lines.Count; i++) sb.Append('\n').Append(lines[i].Length > 0 ? indention + lines[i] : lines[i]);
            rv = sb.ToString();
        }
        return first ? indention + rv : rv;
    }

    private static object? DictSort(object? v, CallArgs a)
    {
        if (v is not OrderedDictionary<string, object?> d) throw new JinjaException("dictsort expects a mapping");
        bool cs = Values.Truthy(a.Get(0, "case_sensitive", false));
        object? by = a.Get(1, "by", "key");
        bool reverse = Values.Truthy(a.Get(2, "reverse", false));
        int pos = by switch
        {
            "key" => 0,
            "value" => 1,
            _ => throw new JinjaException("You can only sort by either \"key\" or \"value\""),
        };
        var pairs = d.Select(kv => new PyTuple { kv.Key, kv.Value }).ToList();
        var cmp = Comparer<object?>.Create(Values.Compare);
        var sorted = reverse
            ? pairs.OrderByDescending(p => SortKey(p[pos], null, cs), cmp)
            : pairs.OrderBy(p => SortKey(p[pos], null, cs), cmp);
        return sorted.Cast<object?>().ToList();
    }

    private static object? SortKey(object? item, string? attribute, bool caseSensitive)
    {
        object? key = attribute is null ? item : AttributePath(item, attribute);
        return !caseSensitive && key is string s ? s.ToLowerInvariant() : key;
    }

    /// <summary>Jinja's attribute getter: a dotted path whose integer parts index sequences.</summary>
    private static object? AttributePath(object? item, string path)
    {
        foreach (var part in path.Split('.'))
        {
            object? key = long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : part;
            item = Values.GetItem(item, key);
        }
        return item;
    }

    private static object? Join(object? v, CallArgs a)
    {
        string sep = Values.Str(a.Get(0, "d", ""));
        string? attribute = a.Get(1, "attribute") as string;
        var sb = new StringBuilder();
        bool firstItem = true;
        foreach (var item in Values.Iterate(v))
        {
            if (!firstItem) sb.Append(sep);
            firstItem = false;
            sb.Append(Values.Str(attribute is null ? item : AttributePath(item, attribute)));
        }
        return sb.ToString();
    }

    private static object? ToInt(object? v, CallArgs a)
    {
        object? fallback = a.Get(0, "default", 0L);
        long @base = AsLong(a.Get(1, "base", 10L));
        switch (v)
        {
            case long or bool: return AsLong(v);
            case double d: return double.IsFinite(d) ? (long)Math.Truncate(d) : fallback;
            case string s:
                {
                    string t = PyText.Strip(s).Replace("_", "");
                    try
                    {
                        if (@base == 10 && long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return l;
                        if (@base != 10) return Convert.ToInt64(t, (int)@base);
                    }
                    catch (Exception) { }
                    return ToFloat(s, null) is double f && double.IsFinite(f) ? (long)Math.Truncate(f) : fallback;
                }
            default: return fallback;
        }
    }

    private static object? ToFloat(object? v, object? fallback) => v switch
    {
        double d => d,
        long or bool => (double)AsLong(v),
        string s => PyText.Strip(s).ToLowerInvariant() switch
        {
            "inf" or "+inf" or "infinity" or "+infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            "nan" or "+nan" or "-nan" => double.NaN,
            var t => double.TryParse(t.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : fallback,
        },
        _ => fallback,
    };

    private static object? Round(object? v, CallArgs a)
    {
        long precision = AsLong(a.Get(0, "precision", 0L));
        string method = Values.Str(a.Get(1, "method", "common"));
        double x = Values.ToDouble(v);
        double scale = Math.Pow(10, precision);
        return method switch
        {
            "common" => Math.Round(x, (int)Math.Clamp(precision, 0, 15), MidpointRounding.ToEven),
            "ceil" => Math.Ceiling(x * scale) / scale,
            "floor" => Math.Floor(x * scale) / scale,
            _ => throw new JinjaException("method must be common, ceil or floor"),
        };
    }

    private static object? Map(object? v, CallArgs a)
    {
        var items = Values.Iterate(v);
        if (a.Keywords is not null && a.Keywords.TryGetValue("attribute", out var attr))
        {
            string path = Values.Str(attr);
            bool hasDefault = a.Keywords.TryGetValue("default", out var fallback);
            return items.Select(item =>
            {
                object? x = AttributePath(item, path);
                return x is Undefined && hasDefault ? fallback : x;
            }).ToList();
        }
        if (a.Positional.Count == 0) throw new JinjaException("map requires a filter name or attribute=");
        string filter = Values.Str(a.Positional[0]);
        var rest = new CallArgs(a.Positional.Skip(1).ToList(), a.Keywords);
        return items.Select(item => Apply(filter, item, rest)).ToList();
    }

    private static object? Select(object? v, CallArgs a, bool keep, bool byAttribute)
    {
        int offset = byAttribute ? 1 : 0;
        string? attribute = byAttribute ? Values.Str(a.Get(0, "attribute")) : null;
        string? test = a.Positional.Count > offset ? Values.Str(a.Positional[offset]) : null;
        var testArgs = new CallArgs(a.Positional.Skip(offset + 1).ToList(), null);
        var result = new List<object?>();
        foreach (var item in Values.Iterate(v))
        {
            object? x = attribute is null ? item : AttributePath(item, attribute);
            bool pass = test is null ? Values.Truthy(x) : Tests.Apply(test, x, testArgs);
            if (pass == keep) result.Add(item);
        }
        return result;
    }

    // Python's printf-style `%` operator, for the `format` filter.
    private static string PercentFormat(string fmt, CallArgs a)
    {
        var sb = new StringBuilder();
        int next = 0;
        for (int i = 0; i < fmt.Length; i++)
        {
            char c = fmt[i];
            if (c != '%') { sb.Append(c); continue; }
            if (i + 1 >= fmt.Length) throw new JinjaException("incomplete format");
            int j = i + 1;
            string? key = null;
            if (fmt[j] == '(')
            {
                int close = fmt.IndexOf(')', j);
                if (close < 0) throw new JinjaException("incomplete format key");
                key = fmt[(j + 1)..close];
                j = close + 1;
            }
            int specStart = j;
            while (j < fmt.Length && "-+ #0123456789.".Contains(fmt[j])) j++;
            if (j >= fmt.Length) throw new JinjaException("incomplete format");
            string spec = fmt[specStart..j];
            char conv = fmt[j];
            i = j;
            if (conv == '%') { sb.Append('%'); continue; }
            object? arg = key is not null
                ? (a.Keywords is not null && a.Keywords.TryGetValue(key, out var kv) ? kv : throw new JinjaException($"KeyError: '{key}'"))
                : next < a.Positional.Count ? a.Positional[next++] : throw new JinjaException("not enough arguments for format string");
            int dot = spec.IndexOf('.');
            int? precision = dot >= 0 ? int.Parse(spec[(dot + 1)..] is { Length: > 0 } p ? p : "0", CultureInfo.InvariantCulture) : null;
            string flags = dot >= 0 ? spec[..dot] : spec;
            string widthText = flags.TrimStart('-', '+', ' ', '#', '0');
            if (widthText.Length > 0)
                RenderBudget.Current.CheckSize(long.TryParse(widthText, NumberStyles.None, CultureInfo.InvariantCulture, out long wl) ? wl : long.MaxValue);
            int width = int.TryParse(widthText, NumberStyles.None, CultureInfo.InvariantCulture, out int w) ? w : 0;
            string body = conv switch
            {
                's' => Values.Str(arg),
                'r' => Values.Repr(arg),
                'd' or 'i' => ((long)Math.Truncate(Values.ToDouble(arg))).ToString(CultureInfo.InvariantCulture),
                'f' or 'F' => Values.ToDouble(arg).ToString("F" + (precision ?? 6), CultureInfo.InvariantCulture),
                'e' => Values.ToDouble(arg).ToString((precision ?? 6) == 0 ? "0e+00" : "0." + new string('0', precision ?? 6) + "e+00", CultureInfo.InvariantCulture),
                'x' => ((long)Values.ToDouble(arg)).ToString("x", CultureInfo.InvariantCulture),
                'X' => ((long)Values.ToDouble(arg)).ToString("X", CultureInfo.InvariantCulture),
                _ => throw new JinjaException($"unsupported format character '{conv}'"),
            };
            if (conv == 's' && precision is not null && body.Length > precision) body = body[..precision.Value];
            if (body.Length < width)
                body = flags.Contains('-') ? body.PadRight(width)
                    : flags.Contains('0') && conv != 's' ? body.PadLeft(width, '0') : body.PadLeft(width);
            sb.Append(body);
        }
        return sb.ToString();
    }
}
