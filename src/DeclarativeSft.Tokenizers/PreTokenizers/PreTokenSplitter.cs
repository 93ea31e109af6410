namespace DeclarativeSft.Tokenizers.PreTokenizers;

/// <summary>One splitting step of tokenizer.json's <c>pre_tokenizer</c>.</summary>
internal abstract class PreTokenSplitter
{
    /// <summary>Splits <c>text[start..end)</c> — seen by patterns as a whole string of its own, so anchors and
    /// look-aheads stop at its ends — and appends the pieces, in <paramref name="text"/> coordinates.</summary>
    public abstract void Split(ReadOnlySpan<char> text, int start, int end, List<PieceRange> output);
}
