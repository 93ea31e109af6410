using System.Text;
using DeclarativeSft.Tokenizers.Text;

namespace DeclarativeSft.Tokenizers.Normalizers;

/// <summary>NFC / NFD / NFKC / NFKD. Text is cut before every ASCII character (ASCII never composes with what
/// precedes it and is unchanged by every form), so a changed stretch is short and its output characters map to
/// exactly the input characters that produced them.</summary>
internal sealed class UnicodeFormNormalizer(NormalizationForm form) : TextNormalizer
{
    public override bool LeavesUnchanged(ReadOnlySpan<char> text) =>
        System.Text.Ascii.IsValid(text) || text.IsNormalized(form);

    public override AlignedText Normalize(AlignedText source, AlignedText spare)
    {
        var chars = source.Chars;
        if (LeavesUnchanged(chars)) return source;
        spare.Clear();
        var k = 0;
        while (k < chars.Length)
        {
            var start = k;
            k++;
            while (k < chars.Length && chars[k] >= 0x80) k++;
            var segment = chars[start..k];
            if (segment.Length == 1 && segment[0] < 0x80 || segment.IsNormalized(form))
            {
                for (var j = start; j < k; j++) spare.AppendFrom(source, j);
                continue;
            }
            var normalized = new string(segment).Normalize(form);
            var (s, e) = source.MapRange(start, k);
            spare.Append(normalized, s, e);
        }
        return spare;
    }
}
