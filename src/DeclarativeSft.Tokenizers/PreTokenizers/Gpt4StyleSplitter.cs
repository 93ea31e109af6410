using DeclarativeSft.Tokenizers.Text;
using static DeclarativeSft.Tokenizers.Text.CodePointClass;

namespace DeclarativeSft.Tokenizers.PreTokenizers;

/// <summary>
/// Hand-written matcher for the cl100k-style pattern used by Llama-3 and Qwen2/3:
/// <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,K}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</c>.
/// Every code point matches some alternative, so the pieces tile the text. Working per code point avoids
/// .NET Regex treating an astral letter as two surrogates, and is several times faster than a regex.
/// </summary>
internal sealed class Gpt4StyleSplitter(int maxDigits, bool caseInsensitiveContractions) : LeftToRightSplitter
{
    /// <summary>The pattern text this matcher implements, for digit run lengths 1 and 3.</summary>
    public static string PatternFor(int maxDigits, bool caseInsensitive)
    {
        var contractions = caseInsensitive ? "(?i:'s|'t|'re|'ve|'m|'ll|'d)" : "'s|'t|'re|'ve|'m|'ll|'d";
        var digits = maxDigits == 1 ? "\\p{N}" : $"\\p{{N}}{{1,{maxDigits}}}";
        return contractions + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|" + digits +
               "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    }

    protected override int MatchAt(ReadOnlySpan<char> s, int i)
    {
        var n = s.Length;
        var c = s[i];

        // (?i:'s|'t|'re|'ve|'m|'ll|'d)
        if (c == '\'' && i + 1 < n)
        {
            var a = Fold(s[i + 1]);
            if (a is 's' or 't' or 'm' or 'd') return i + 2;
            if (i + 2 < n)
            {
                var b = Fold(s[i + 2]);
                if (a == 'r' && b == 'e' || a == 'v' && b == 'e' || a == 'l' && b == 'l') return i + 3;
            }
        }

        var cls = At(s, i, out var width);

        // [^\r\n\p{L}\p{N}]?\p{L}+
        if ((cls & (Letter | Number | LineBreak)) == 0 && i + width < n && (At(s, i + width, out _) & Letter) != 0)
            return LettersEnd(s, i + width);
        if ((cls & Letter) != 0) return LettersEnd(s, i);

        // \p{N}{1,K}
        if ((cls & Number) != 0)
        {
            var j = i + width;
            for (var count = 1; count < maxDigits && j < n; count++)
            {
                if ((At(s, j, out var w) & Number) == 0) break;
                j += w;
            }
            return j;
        }

        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        if (c == ' ' && i + 1 < n && IsOther(At(s, i + 1, out _))) return OthersEnd(s, i + 1);
        if (IsOther(cls)) return OthersEnd(s, i);

        // Only whitespace is left: \s*[\r\n]+ | \s+(?!\S) | \s+
        var wsEnd = i;
        var lastBreak = -1;
        while (wsEnd < n && (At(s, wsEnd, out _) & WhiteSpace) != 0)
        {
            if (s[wsEnd] is '\r' or '\n') lastBreak = wsEnd;
            wsEnd++; // every White_Space code point is a single UTF-16 unit
        }
        if (lastBreak >= 0) return lastBreak + 1;
        if (wsEnd == n || wsEnd - 1 == i) return wsEnd;
        return wsEnd - 1;
    }

    private char Fold(char c) => caseInsensitiveContractions && c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;

    private static bool IsOther(byte cls) => (cls & (Letter | Number | WhiteSpace)) == 0;

    private static int LettersEnd(ReadOnlySpan<char> s, int j)
    {
        while (j < s.Length && (At(s, j, out var w) & Letter) != 0) j += w;
        return j;
    }

    private static int OthersEnd(ReadOnlySpan<char> s, int j)
    {
        while (j < s.Length && IsOther(At(s, j, out var w))) j += w;
        while (j < s.Length && s[j] is '\r' or '\n') j++;
        return j;
    }
}
