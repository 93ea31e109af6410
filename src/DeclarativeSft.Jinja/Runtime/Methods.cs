using System.Globalization;
using System.Text;

namespace DeclarativeSft.Jinja.Runtime;

/// <summary>
/// The Python methods templates call on values (<c>content.strip()</c>, <c>message.get('x')</c>). Only the
/// non-mutating ones exist, as in transformers' immutable sandbox.
/// </summary>
internal static class Methods
{
    private static readonly HashSet<string> StringMethods = new(StringComparer.Ordinal)
    {
        "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith", "replace", "upper",
        "lower", "title", "capitalize", "format", "join", "find", "rfind", "index", "count", "isdigit", "isalpha",
        "isalnum", "isspace", "islower", "isupper", "removeprefix", "removesuffix", "casefold", "swapcase",
    };

    private static readonly HashSet<string> DictMethods = new(StringComparer.Ordinal) { "get", "items", "keys", "values" };
    private static readonly HashSet<string> ListMethods = new(StringComparer.Ordinal) { "index", "count" };

    public static bool IsMethod(object? target, string name) => target switch
    {
        string => StringMethods.Contains(name),
        OrderedDictionary<string, object?> => DictMethods.Contains(name),
        List<object?> => ListMethods.Contains(name),
        _ => false,
    };

    public static object? Call(object target, string name, CallArgs a) => target switch
    {
        string s => CallString(s, name, a),
        OrderedDictionary<string, object?> d => CallDict(d, name, a),
        List<object?> l => CallList(l, name, a),
        _ => throw new JinjaException($"'{Values.TypeName(target)}' object has no attribute '{name}'"),
    };

    private static string? OptString(object? v, string what) => v switch
    {
        null or Undefined => null,
        string s => s,
        _ => throw new JinjaException($"{what} arg must be None or str, not {Values.TypeName(v)}"),
    };

    private static long OptLong(object? v, long fallback) => v switch
    {
        null or Undefined => fallback,
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new JinjaException($"expected an integer, got {Values.TypeName(v)}"),
    };

    private static bool Affix(string s, object? pattern, bool prefix)
    {
        if (pattern is string p) return prefix ? s.StartsWith(p, StringComparison.Ordinal) : s.EndsWith(p, StringComparison.Ordinal);
        if (pattern is List<object?> options)
        {
            foreach (var o in options)
            {
                if (o is not string ps) throw new JinjaException("tuple for startswith/endswith must only contain str");
                if (prefix ? s.StartsWith(ps, StringComparison.Ordinal) : s.EndsWith(ps, StringComparison.Ordinal)) return true;
            }
            return false;
        }
        throw new JinjaException($"{(prefix ? "startswith" : "endswith")} first arg must be str or a tuple of str, not {Values.TypeName(pattern)}");
    }

    private static object? CallString(string s, string name, CallArgs a)
    {
        switch (name)
        {
            case "strip": return PyText.Strip(s, OptString(a.Get(0, "chars"), "strip"));
            case "lstrip": return PyText.LStrip(s, OptString(a.Get(0, "chars"), "lstrip"));
            case "rstrip": return PyText.RStrip(s, OptString(a.Get(0, "chars"), "rstrip"));
            case "split": return PyText.Split(s, OptString(a.Get(0, "sep"), "split"), OptLong(a.Get(1, "maxsplit"), -1));
            case "rsplit": return PyText.RSplit(s, OptString(a.Get(0, "sep"), "rsplit"), OptLong(a.Get(1, "maxsplit"), -1));
            case "splitlines": return PyText.SplitLines(s).Cast<object?>().ToList();
            case "startswith": return Affix(s, a.Get(0, "prefix"), prefix: true);
            case "endswith": return Affix(s, a.Get(0, "suffix"), prefix: false);
            case "replace":
                {
                    if (a.Get(0, "old") is not string oldV || a.Get(1, "new") is not string newV)
                        throw new JinjaException("replace() arguments must be strings");
                    return Replace(s, oldV, newV, OptLong(a.Get(2, "count"), -1));
                }
            case "upper": return s.ToUpperInvariant();
            case "lower": return s.ToLowerInvariant();
            case "casefold": return s.ToLowerInvariant();
            case "swapcase":
                return string.Concat(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));
            case "title": return PyText.TitleMethod(s);
            case "capitalize": return PyText.Capitalize(s);
            case "format": return Format(s, a);
            case "join": return string.Join(s, Values.Iterate(a.Get(0, "iterable")).Select(x =>
                x as string ?? throw new JinjaException($"sequence item: expected str instance, {Values.TypeName(x)} found")));
            case "find": return (long)IndexOf(s, a, last: false);
            case "rfind": return (long)IndexOf(s, a, last: true);
            case "index":
                {
                    int i = IndexOf(s, a, last: false);
                    if (i < 0) throw new JinjaException("substring not found");
                    return (long)i;
                }
            case "count":
                {
                    if (a.Get(0, "sub") is not string sub) throw new JinjaException("count() argument must be str");
                    if (sub.Length == 0) return (long)PyText.Length(s) + 1;
                    long n = 0;
                    for (int i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal)) n++;
                    return n;
                }
            case "isdigit": return s.Length > 0 && s.All(char.IsDigit);
            case "isalpha": return s.Length > 0 && s.All(char.IsLetter);
            case "isalnum": return s.Length > 0 && s.All(char.IsLetterOrDigit);
            case "isspace": return s.Length > 0 && s.All(PyText.IsSpace);
            case "islower": return s.Any(char.IsLower) && !s.Any(char.IsUpper);
            case "isupper": return s.Any(char.IsUpper) && !s.Any(char.IsLower);
            case "removeprefix":
                {
                    string p = a.Get(0, "prefix") as string ?? throw new JinjaException("removeprefix() argument must be str");
                    return s.StartsWith(p, StringComparison.Ordinal) ? s[p.Length..] : s;
                }
            case "removesuffix":
                {
                    string p = a.Get(0, "suffix") as string ?? throw new JinjaException("removesuffix() argument must be str");
                    return p.Length > 0 && s.EndsWith(p, StringComparison.Ordinal) ? s[..^p.Length] : s;
                }
        }
        throw new JinjaException($"'str' object has no attribute '{name}'");
    }

    private static int IndexOf(string s, CallArgs a, bool last)
    {
        if (a.Get(0, "sub") is not string sub) throw new JinjaException("find() argument must be str");
        return last ? s.LastIndexOf(sub, StringComparison.Ordinal) : s.IndexOf(sub, StringComparison.Ordinal);
    }

    /// <summary>Python <c>str.replace(old, new, count)</c>.</summary>
    public static string Replace(string s, string oldV, string newV, long count)
    {
        if (count == 0) return s;
        if (newV.Length > oldV.Length)
        {
            // Fail before building a result over the size limit ('x'.replace('', huge), or many matches growing).
            long most = oldV.Length == 0 ? s.Length + 1 : s.Length / oldV.Length;
            if (count >= 0) most = Math.Min(most, count);
            var budget = RenderBudget.Current;
            if (s.Length + RenderBudget.Times(newV.Length - oldV.Length, most) > budget.MaxOutputLength && oldV.Length > 0)
            {
                long found = 0;
                for (int at = s.IndexOf(oldV, StringComparison.Ordinal); at >= 0 && (count < 0 || found < count);
                     at = s.IndexOf(oldV, at + oldV.Length, StringComparison.Ordinal)) found++;
                most = found;
            }
            budget.CheckSize(s.Length + RenderBudget.Times(newV.Length - oldV.Length, most));
        }
        if (oldV.Length == 0)
        {
            var sb0 = new StringBuilder();
            long done = 0;
            foreach (var cp in PyText.CodePoints(s))
            {
                if (count < 0 || done < count) { sb0.Append(newV); done++; }
                sb0.Append(cp);
            }
            if (count < 0 || done < count) sb0.Append(newV);
            return sb0.ToString();
        }
        if (count < 0) return s.Replace(oldV, newV, StringComparison.Ordinal);
        var sb = new StringBuilder();
        int pos = 0;
        for (long n = 0; n < count; n++)
        {
            int i = s.IndexOf(oldV, pos, StringComparison.Ordinal);
            if (i < 0) break;
            sb.Append(s, pos, i - pos).Append(newV);
            pos = i + oldV.Length;
        }
        return sb.Append(s, pos, s.Length - pos).ToString();
    }

    /// <summary>Python <c>str.format</c> for the common forms: <c>{}</c>, <c>{0}</c>, <c>{name}</c>, <c>{{</c>/<c>}}</c>.</summary>
    private static string Format(string template, CallArgs a)
    {
        var sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{') { sb.Append('{'); i++; continue; }
            if (c == '}' && i + 1 < template.Length && template[i + 1] == '}') { sb.Append('}'); i++; continue; }
            if (c != '{') { sb.Append(c); continue; }
            int close = template.IndexOf('}', i);
            if (close < 0) throw new JinjaException("Single '{' encountered in format string");
            string field = template[(i + 1)..close];
            int colon = field.IndexOf(':');
            if (colon >= 0) field = field[..colon];
            object? value;
            int position = field.Length == 0 ? auto++ : -1;
            if (position < 0 && int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out int idx)) position = idx;
            if (position >= 0)
            {
                if (position >= a.Positional.Count) throw new JinjaException("Replacement index out of range for positional args tuple");
                value = a.Positional[position];
            }
            else if (a.Keywords is not null && a.Keywords.TryGetValue(field, out var kv)) value = kv;
            else throw new JinjaException($"KeyError: '{field}'");
            sb.Append(Values.Str(value));
            i = close;
        }
        return sb.ToString();
    }

    private static object? CallDict(OrderedDictionary<string, object?> d, string name, CallArgs a)
    {
        switch (name)
        {
            case "get":
                {
                    object? key = a.Get(0, "key");
                    return key is string k && d.TryGetValue(k, out var v) ? v : a.Get(1, "default");
                }
            case "items": return d.Select(kv => (object?)new PyTuple { kv.Key, kv.Value }).ToList();
            case "keys": return d.Keys.Cast<object?>().ToList();
            case "values": return d.Values.ToList();
        }
        throw new JinjaException($"'dict' object has no attribute '{name}'");
    }

    private static object? CallList(List<object?> l, string name, CallArgs a)
    {
        object? x = a.Get(0, "value");
        switch (name)
        {
            case "index":
                {
                    int i = l.FindIndex(y => Values.PyEquals(y, x));
                    if (i < 0) throw new JinjaException($"{Values.Repr(x)} is not in list");
                    return (long)i;
                }
            case "count": return (long)l.Count(y => Values.PyEquals(y, x));
        }
        throw new JinjaException($"'list' object has no attribute '{name}'");
    }
}
