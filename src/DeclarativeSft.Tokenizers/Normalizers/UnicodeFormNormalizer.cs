using System.Text;
using DeclarativeSft.Tokenizers.Text;

namespace DeclarativeSft.Tokenizers.Normalizers;

/// <summary>NFC / NFD / NFKC / NFKD. Text is cut before every ASCII character (ASCII never composes with what
/// precedes it and is unchanged by every form), so a changed stretch is short and its output characters map to
/// exactly the input characters that produced them. A lone surrogate (which .NET's normalization rejects) is
/// passed through unchanged and, like a starter that composes with nothing, cut around — what JavaScript's
/// <c>String.prototype.normalize</c> does with it.</summary>
internal sealed class UnicodeFormNormalizer(NormalizationForm form) : TextNormalizer
{
    public override bool LeavesUnchanged(ReadOnlySpan<char> text) =>
        System.Text.Ascii.IsValid(text) || !HasLoneSurrogate(text) && text.IsNormalized(form);

    private static bool HasLoneSurrogate(ReadOnlySpan<char> text)
    {
        var k = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (k < 0) return false;
        for (; k < text.Length; k++)
            if (IsLoneSurrogate(text, k)) return true;
        return false;
    }

    private static bool IsLoneSurrogate(ReadOnlySpan<char> s, int k) =>
        char.IsHighSurrogate(s[k]) ? k + 1 >= s.Length || !char.IsLowSurrogate(s[k + 1])
        : char.IsLowSurrogate(s[k]) && (k == 0 || !char.IsHighSurrogate(s[k - 1]));

    public override AlignedText Normalize(AlignedText source, AlignedText spare)
    {
        var chars = source.Chars;
        if (LeavesUnchanged(chars)) return source;
        spare.Clear();
        var k = 0;
        while (k < chars.Length)
        {
            var start = k;
            var lone = IsLoneSurrogate(chars, k);
            k++;
            while (!lone && k < chars.Length && chars[k] >= 0x80 && !IsLoneSurrogate(chars, k)) k++;
            var segment = chars[start..k];
            if (lone || segment.Length == 1 && segment[0] < 0x80 || segment.IsNormalized(form))
            {
                for (var j = start; j < k; j++) spare.AppendFrom(source, j);
                continue;
            }
            var normalized = segment.ToString().Normalize(form);
            var (s, e) = source.MapRange(start, k);
            spare.Append(normalized, s, e);
        }
        return spare;
    }
}
