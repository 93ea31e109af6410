using DeclarativeSft.Tokenizers.Text;

namespace DeclarativeSft.Tokenizers.Normalizers;

/// <summary><c>{"type": "Lowercase"}</c>, per UTF-16 unit (invariant culture), keeping one-to-one alignment.</summary>
internal sealed class LowercaseNormalizer : TextNormalizer
{
    public override AlignedText Normalize(AlignedText source, AlignedText spare)
    {
        spare.Clear();
        for (var k = 0; k < source.Length; k++)
            spare.Append(char.ToLowerInvariant(source.Chars[k]), source.Starts[k], source.Ends[k]);
        return spare;
    }
}
