using DeclarativeSft.Tokenizers.Text;

namespace DeclarativeSft.Tokenizers.Normalizers;

/// <summary><c>{"type": "Strip", "strip_left": bool, "strip_right": bool}</c>: removes surrounding whitespace.</summary>
internal sealed class StripNormalizer(bool left, bool right) : TextNormalizer
{
    public override AlignedText Normalize(AlignedText source, AlignedText spare)
    {
        var chars = source.Chars;
        var start = 0;
        var end = chars.Length;
        if (left) while (start < end && char.IsWhiteSpace(chars[start])) start++;
        if (right) while (end > start && char.IsWhiteSpace(chars[end - 1])) end--;
        spare.Clear();
        for (var k = start; k < end; k++) spare.AppendFrom(source, k);
        return spare;
    }
}
