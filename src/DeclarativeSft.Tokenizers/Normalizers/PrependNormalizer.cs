using DeclarativeSft.Tokenizers.Text;

namespace DeclarativeSft.Tokenizers.Normalizers;

/// <summary><c>{"type": "Prepend", "prepend": "▁"}</c> (Llama-2 style SentencePiece): the prefix has no
/// characters of its own in the input, so it gets an empty range at the start of the text.</summary>
internal sealed class PrependNormalizer(string prefix) : TextNormalizer
{
    public override bool LeavesUnchanged(ReadOnlySpan<char> text) => prefix.Length == 0 || text.Length == 0;

    public override AlignedText Normalize(AlignedText source, AlignedText spare)
    {
        if (source.Length == 0 || prefix.Length == 0) return source;
        spare.Clear();
        var at = source.Starts[0];
        spare.Append(prefix, at, at);
        for (var k = 0; k < source.Length; k++) spare.AppendFrom(source, k);
        return spare;
    }
}
