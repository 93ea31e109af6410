using System.Text;
using System.Text.RegularExpressions;

namespace DeclarativeSft.Tokenizers.PreTokenizers;

/// <summary>
/// Turns an Oniguruma pattern from tokenizer.json into a .NET <see cref="Regex"/> for the patterns without a
/// hand-written matcher: possessive quantifiers become atomic groups and <c>\s</c> becomes the Unicode
/// White_Space set (Oniguruma's meaning; .NET's <c>\s</c> is close but not equal).
/// </summary>
internal static class OnigurumaTranslator
{
    private const string WhiteSpaceClass = @"\t\n\v\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

    public static Regex Compile(string pattern)
    {
        var sb = new StringBuilder(pattern.Length + 32);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var e = pattern[i + 1];
                if (e == 's') sb.Append(inClass ? WhiteSpaceClass : "[" + WhiteSpaceClass + "]");
                else if (e == 'S' && !inClass) sb.Append("[^" + WhiteSpaceClass + "]");
                else sb.Append(c).Append(e);
                i++;
                continue;
            }
            if (c == '[') inClass = true;
            else if (c == ']') inClass = false;
            // X++ / X*+ / X?+ (possessive): .NET has no possessive quantifiers; an atomic group is equivalent.
            if (!inClass && c == '+' && i > 0 && pattern[i - 1] is '+' or '*' or '?' or '}')
            {
                WrapLastAtomAtomic(sb);
                continue;
            }
            sb.Append(c);
        }
        return TokenizerRegex.Create(sb.ToString(), RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    // Wraps the atom before the last quantifier in (?>...). Handles single escapes, classes and groups.
    private static void WrapLastAtomAtomic(StringBuilder sb)
    {
        var text = sb.ToString();
        var q = text.Length - 1;
        if (text[q] == '}') q = text.LastIndexOf('{');
        var atomEnd = q; // exclusive
        var atomStart = FindAtomStart(text, atomEnd);
        sb.Clear();
        sb.Append(text, 0, atomStart).Append("(?>").Append(text, atomStart, text.Length - atomStart).Append(')');
    }

    private static int FindAtomStart(string text, int end)
    {
        var last = end - 1;
        if (text[last] == ']' || text[last] == ')')
        {
            var open = text[last] == ']' ? '[' : '(';
            var close = text[last];
            var depth = 0;
            for (var k = last; k >= 0; k--)
            {
                if (k > 0 && text[k - 1] == '\\') continue;
                if (text[k] == close) depth++;
                else if (text[k] == open && --depth == 0) return k;
            }
            return 0;
        }
        if (last > 0 && text[last - 1] == '\\') return last - 1;
        if (text[last] == '}' ) return text.LastIndexOf('\\', last);
        return last;
    }
}
