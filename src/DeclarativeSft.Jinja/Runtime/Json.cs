using System.Globalization;
using System.Text;

namespace DeclarativeSft.Jinja.Runtime;

/// <summary>
/// Python's <c>json.dumps</c>, which transformers' <c>tojson</c> filter calls with <c>ensure_ascii=False</c>:
/// separators <c>", "</c>/<c>": "</c> (<c>","</c> between items when indenting), floats printed as Python does.
/// </summary>
internal static class Json
{
    public static string Dumps(object? value, long? indent, bool ensureAscii, string? itemSeparator, string? keySeparator, bool sortKeys)
    {
        string itemSep = itemSeparator ?? (indent is null ? ", " : ",");
        string keySep = keySeparator ?? ": ";
        if (indent is long n) RenderBudget.Current.CheckSize(n);
        var sb = new StringBuilder();
        Write(sb, value, indent is null ? null : new string(' ', (int)Math.Max(0, indent.Value)), 0, ensureAscii, itemSep, keySep, sortKeys);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? v, string? indent, int depth, bool ascii, string itemSep, string keySep, bool sortKeys)
    {
        RenderBudget.EnsureStack();
        RenderBudget.Current.CheckSize(sb.Length);
        switch (v)
        {
            case null: sb.Append("null"); return;
            case bool b: sb.Append(b ? "true" : "false"); return;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); return;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PyText.FloatRepr(d));
                return;
            case string s: WriteString(sb, s, ascii); return;
            case List<object?> list:
                if (list.Count == 0) { sb.Append("[]"); return; }
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(itemSep);
                    NewLine(sb, indent, depth + 1);
                    Write(sb, list[i], indent, depth + 1, ascii, itemSep, keySep, sortKeys);
                }
                NewLine(sb, indent, depth);
                sb.Append(']');
                return;
            case OrderedDictionary<string, object?> dict:
                WriteObject(sb, dict, indent, depth, ascii, itemSep, keySep, sortKeys);
                return;
            case Namespace ns:
                var copy = new OrderedDictionary<string, object?>();
                foreach (var (k, x) in ns.Attributes) copy[k] = x;
                WriteObject(sb, copy, indent, depth, ascii, itemSep, keySep, sortKeys);
                return;
            default:
                throw new JinjaException($"Object of type {Values.TypeName(v)} is not JSON serializable");
        }
    }

    private static void WriteObject(StringBuilder sb, IEnumerable<KeyValuePair<string, object?>> dict, string? indent, int depth, bool ascii,
        string itemSep, string keySep, bool sortKeys)
    {
        var entries = sortKeys ? dict.OrderBy(kv => kv.Key, Comparer<string>.Create(Values.CompareCodePoints)).ToList() : dict.ToList();
        if (entries.Count == 0) { sb.Append("{}"); return; }
        sb.Append('{');
        for (int i = 0; i < entries.Count; i++)
        {
            if (i > 0) sb.Append(itemSep);
            NewLine(sb, indent, depth + 1);
            WriteString(sb, entries[i].Key, ascii);
            sb.Append(keySep);
            Write(sb, entries[i].Value, indent, depth + 1, ascii, itemSep, keySep, sortKeys);
        }
        NewLine(sb, indent, depth);
        sb.Append('}');
    }

    private static void NewLine(StringBuilder sb, string? indent, int depth)
    {
        if (indent is null) return;
        sb.Append('\n');
        for (int i = 0; i < depth; i++) sb.Append(indent);
    }

    private static void WriteString(StringBuilder sb, string s, bool ascii)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < ' ' || (ascii && c > '\x7f'))
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
