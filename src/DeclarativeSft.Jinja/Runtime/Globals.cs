using System.Globalization;

namespace DeclarativeSft.Jinja.Runtime;

/// <summary>The functions every template sees: Jinja's <c>range</c>, <c>namespace</c>, <c>dict</c>, plus the
/// <c>raise_exception</c> and <c>strftime_now</c> that transformers adds for chat templates.</summary>
internal static class Globals
{
    public static readonly IReadOnlyDictionary<string, object?> Table = new Dictionary<string, object?>
    {
        ["range"] = new BuiltinFunction("range", Range),
        ["namespace"] = new BuiltinFunction("namespace", MakeNamespace),
        ["dict"] = new BuiltinFunction("dict", MakeDict),
        ["raise_exception"] = new BuiltinFunction("raise_exception", a =>
            throw new JinjaException(Values.Str(a.Get(0, "message"))) { RaisedByTemplate = true }),
        ["strftime_now"] = new BuiltinFunction("strftime_now", a =>
            Strftime.Format(DateTime.Now, a.Get(0, "format") as string ?? throw new JinjaException("strftime_now() needs a format string"))),
    };

    private static object? Range(CallArgs a)
    {
        long ToLong(object? v) => v switch
        {
            long l => l,
            bool b => b ? 1 : 0,
            _ => throw new JinjaException($"'{Values.TypeName(v)}' object cannot be interpreted as an integer"),
        };
        var p = a.Positional;
        if (p.Count is 0 or > 3) throw new JinjaException($"range expected 1 to 3 arguments, got {p.Count}");
        long start = p.Count == 1 ? 0 : ToLong(p[0]);
        long stop = p.Count == 1 ? ToLong(p[0]) : ToLong(p[1]);
        long step = p.Count == 3 ? ToLong(p[2]) : 1;
        if (step == 0) throw new JinjaException("range() arg 3 must not be zero");
        var list = new List<object?>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            list.Add(i);
            if (list.Count > 100_000) throw new JinjaException("range too big (more than 100000 items)");
        }
        return list;
    }

    private static object? MakeNamespace(CallArgs a)
    {
        var ns = new Namespace();
        if (a.Positional.Count > 1) throw new JinjaException($"namespace expected at most 1 argument, got {a.Positional.Count}");
        if (a.Positional.Count == 1)
        {
            if (a.Positional[0] is not OrderedDictionary<string, object?> d)
                throw new JinjaException("namespace() positional argument must be a mapping");
            foreach (var (k, v) in d) ns.Attributes[k] = v;
        }
        if (a.Keywords is not null) foreach (var (k, v) in a.Keywords) ns.Attributes[k] = v;
        return ns;
    }

    private static object? MakeDict(CallArgs a)
    {
        var d = new OrderedDictionary<string, object?>();
        if (a.Positional.Count == 1 && a.Positional[0] is OrderedDictionary<string, object?> src)
            foreach (var (k, v) in src) d[k] = v;
        if (a.Keywords is not null) foreach (var (k, v) in a.Keywords) d[k] = v;
        return d;
    }
}

/// <summary>Python <c>strftime</c> for the directives chat templates use (dates in system prompts).</summary>
internal static class Strftime
{
    public static string Format(DateTime t, string format)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%' || i + 1 >= format.Length) { sb.Append(c); continue; }
            char d = format[++i];
            sb.Append(d switch
            {
                'Y' => t.Year.ToString("0000", inv),
                'y' => (t.Year % 100).ToString("00", inv),
                'm' => t.Month.ToString("00", inv),
                'd' => t.Day.ToString("00", inv),
                '-' when i + 1 < format.Length && format[i + 1] == 'd' => Skip(ref i, t.Day.ToString(inv)),
                'H' => t.Hour.ToString("00", inv),
                'I' => ((t.Hour + 11) % 12 + 1).ToString("00", inv),
                'M' => t.Minute.ToString("00", inv),
                'S' => t.Second.ToString("00", inv),
                'p' => t.Hour < 12 ? "AM" : "PM",
                'b' => t.ToString("MMM", inv),
                'B' => t.ToString("MMMM", inv),
                'a' => t.ToString("ddd", inv),
                'A' => t.ToString("dddd", inv),
                'j' => t.DayOfYear.ToString("000", inv),
                '%' => "%",
                _ => "%" + d,
            });
        }
        return sb.ToString();
    }

    private static string Skip(ref int i, string value) { i++; return value; }
}
