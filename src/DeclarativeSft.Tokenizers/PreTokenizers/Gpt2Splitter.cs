using DeclarativeSft.Tokenizers.Text;
using static DeclarativeSft.Tokenizers.Text.CodePointClass;

namespace DeclarativeSft.Tokenizers.PreTokenizers;

/// <summary>
/// Hand-written matcher for GPT-2's pattern, used by the ByteLevel pre-tokenizer when <c>use_regex</c> is true:
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>, per code point.
/// </summary>
internal sealed class Gpt2Splitter : LeftToRightSplitter
{
    public const string Pattern = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    protected override int MatchAt(ReadOnlySpan<char> s, int i)
    {
        var n = s.Length;
        var c = s[i];
        if (c == '\'' && i + 1 < n)
        {
            var a = s[i + 1];
            if (a is 's' or 't' or 'm' or 'd') return i + 2;
            if (i + 2 < n && (a == 'r' && s[i + 2] == 'e' || a == 'v' && s[i + 2] == 'e' || a == 'l' && s[i + 2] == 'l'))
                return i + 3;
        }
        var j = i;
        if (c == ' ' && i + 1 < n && (At(s, i + 1, out _) & WhiteSpace) == 0) j = i + 1;
        var cls = At(s, j, out _);
        if ((cls & Letter) != 0) return RunEnd(s, j, Letter);
        if ((cls & Number) != 0) return RunEnd(s, j, Number);
        if ((cls & WhiteSpace) == 0)
        {
            while (j < n && (At(s, j, out var w) & (Letter | Number | WhiteSpace)) == 0) j += w;
            return j;
        }
        var wsEnd = i;
        while (wsEnd < n && (At(s, wsEnd, out _) & WhiteSpace) != 0) wsEnd++;
        if (wsEnd == n || wsEnd - 1 == i) return wsEnd;
        return wsEnd - 1;
    }

    private static int RunEnd(ReadOnlySpan<char> s, int j, byte kind)
    {
        while (j < s.Length && (At(s, j, out var w) & kind) != 0) j += w;
        return j;
    }
}
