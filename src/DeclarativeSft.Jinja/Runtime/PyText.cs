using System.Globalization;
using System.Text;

namespace DeclarativeSft.Jinja.Runtime;

/// <summary>Python's string rules (whitespace set, strip, split, title, repr) so filters match Jinja2 exactly.</summary>
internal static class PyText
{
    /// <summary>Python's <c>str.isspace</c> for one UTF-16 unit.</summary>
    public static bool IsSpace(char c) => c switch
    {
        ' ' or '\t' or '\n' or '\v' or '\f' or '\r' => true,
        '\x1c' or '\x1d' or '\x1e' or '\x1f' or '\x85' or '\xa0' => true,
        '\u1680' or '\u2028' or '\u2029' or '\u202f' or '\u205f' or '\u3000' => true,
        >= '\u2000' and <= '\u200a' => true,
        _ => false,
    };

    public static string Strip(string s, string? chars = null) => RStrip(LStrip(s, chars), chars);

    public static string LStrip(string s, string? chars = null)
    {
        int i = 0;
        while (i < s.Length && (chars is null ? IsSpace(s[i]) : chars.IndexOf(s[i]) >= 0)) i++;
        return i == 0 ? s : s[i..];
    }

    public static string RStrip(string s, string? chars = null)
    {
        int j = s.Length;
        while (j > 0 && (chars is null ? IsSpace(s[j - 1]) : chars.IndexOf(s[j - 1]) >= 0)) j--;
        return j == s.Length ? s : s[..j];
    }

    /// <summary>Python <c>str.split(sep=None, maxsplit=-1)</c>.</summary>
    public static List<object?> Split(string s, string? sep, long maxSplit)
    {
        var result = new List<object?>();
        if (sep is null)
        {
            int i = 0;
            while (true)
            {
                while (i < s.Length && IsSpace(s[i])) i++;
                if (i >= s.Length) break;
                if (maxSplit >= 0 && result.Count >= maxSplit)
                {
                    result.Add(RStrip(s[i..]));
                    break;
                }
                int start = i;
                while (i < s.Length && !IsSpace(s[i])) i++;
                result.Add(s[start..i]);
            }
            return result;
        }
        if (sep.Length == 0) throw new JinjaException("empty separator");
        int pos = 0;
        while (maxSplit < 0 || result.Count < maxSplit)
        {
            int idx = s.IndexOf(sep, pos, StringComparison.Ordinal);
            if (idx < 0) break;
            result.Add(s[pos..idx]);
            pos = idx + sep.Length;
        }
        result.Add(s[pos..]);
        return result;
    }

    /// <summary>Python <c>str.rsplit</c>.</summary>
    public static List<object?> RSplit(string s, string? sep, long maxSplit)
    {
        if (maxSplit < 0) return Split(s, sep, maxSplit);
        var parts = new List<object?>();
        if (sep is null)
        {
            int j = s.Length;
            while (true)
            {
                while (j > 0 && IsSpace(s[j - 1])) j--;
                if (j <= 0) break;
                if (parts.Count >= maxSplit) { parts.Add(LStrip(s[..j])); break; }
                int end = j;
                while (j > 0 && !IsSpace(s[j - 1])) j--;
                parts.Add(s[j..end]);
            }
        }
        else
        {
            if (sep.Length == 0) throw new JinjaException("empty separator");
            int end = s.Length;
            while (parts.Count < maxSplit)
            {
                int idx = end - sep.Length < 0 ? -1 : s.LastIndexOf(sep, end - 1, end, StringComparison.Ordinal);
                if (idx < 0) break;
                parts.Add(s[(idx + sep.Length)..end]);
                end = idx;
            }
            parts.Add(s[..end]);
        }
        parts.Reverse();
        return parts;
    }

    /// <summary>Python <c>str.splitlines()</c> (without keepends).</summary>
    public static List<string> SplitLines(string s)
    {
        var lines = new List<string>();
        int start = 0, i = 0;
        while (i < s.Length)
        {
            char c = s[i];
            bool brk = c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029';
            if (!brk) { i++; continue; }
            lines.Add(s[start..i]);
            i += c == '\r' && i + 1 < s.Length && s[i + 1] == '\n' ? 2 : 1;
            start = i;
        }
        if (start < s.Length) lines.Add(s[start..]);
        return lines;
    }

    /// <summary>Python <c>str.title()</c>: a cased letter after an uncased character starts a word.</summary>
    public static string TitleMethod(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool prevCased = false;
        foreach (char c in s)
        {
            bool cased = char.IsUpper(c) || char.IsLower(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter;
            sb.Append(cased ? (prevCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)) : c);
            prevCased = cased;
        }
        return sb.ToString();
    }

    /// <summary>Python <c>str.capitalize()</c>: first character upper, the rest lower.</summary>
    public static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    /// <summary>Python <c>repr(str)</c>.</summary>
    public static string Repr(string s)
    {
        char quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2);
        sb.Append(quote);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == quote || c == '\\') sb.Append('\\').Append(c);
            else if (c == '\n') sb.Append("\\n");
            else if (c == '\r') sb.Append("\\r");
            else if (c == '\t') sb.Append("\\t");
            else if (c < ' ' || c == '\x7f' || (c >= '\x80' && c <= '\xa0') || c == '\xad')
                sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                sb.Append(c).Append(s[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c) || IsNonPrintable(c))
                sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.Append(quote).ToString();
    }

    private static bool IsNonPrintable(char c)
    {
        if (c == ' ') return false;
        var cat = CharUnicodeInfo.GetUnicodeCategory(c);
        return cat is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator;
    }

    /// <summary>True when the string holds surrogate pairs, so Python (code point) indexing differs from UTF-16.</summary>
    public static bool HasSurrogates(string s)
    {
        foreach (char c in s) if (char.IsSurrogate(c)) return true;
        return false;
    }

    /// <summary>The string's code points as separate strings (Python iterates strings by code point).</summary>
    public static List<string> CodePoints(string s)
    {
        var list = new List<string>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                list.Add(s.Substring(i, 2));
                i++;
            }
            else list.Add(s[i].ToString());
        }
        return list;
    }

    /// <summary>Python <c>len(str)</c>: code points.</summary>
    public static int Length(string s)
    {
        if (!HasSurrogates(s)) return s.Length;
        int n = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            n++;
        }
        return n;
    }

    /// <summary>Python <c>repr(float)</c>: shortest round-trip digits, exponent form outside [1e-4, 1e16).</summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        if (d == 0) return double.IsNegative(d) ? "-0.0" : "0.0";
        string r = d.ToString("E16", CultureInfo.InvariantCulture);
        // Find the shortest precision that round-trips.
        for (int p = 0; p <= 16; p++)
        {
            string candidate = d.ToString("E" + p, CultureInfo.InvariantCulture);
            if (double.Parse(candidate, CultureInfo.InvariantCulture) == d) { r = candidate; break; }
        }
        bool neg = r[0] == '-';
        if (neg) r = r[1..];
        int ePos = r.IndexOf('E');
        string mantissa = r[..ePos].Replace(".", "");
        int exp = int.Parse(r[(ePos + 1)..], CultureInfo.InvariantCulture);
        mantissa = mantissa.TrimEnd('0');
        if (mantissa.Length == 0) mantissa = "0";
        string body;
        if (exp >= -4 && exp < 16)
        {
            if (exp >= 0)
            {
                string intPart = mantissa.Length > exp + 1 ? mantissa[..(exp + 1)] : mantissa.PadRight(exp + 1, '0');
                string frac = mantissa.Length > exp + 1 ? mantissa[(exp + 1)..] : "0";
                body = intPart + "." + frac;
            }
            else body = "0." + new string('0', -exp - 1) + mantissa;
        }
        else
        {
            string m = mantissa.Length > 1 ? mantissa[0] + "." + mantissa[1..] : mantissa;
            body = m + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }
        return neg ? "-" + body : body;
    }
}
