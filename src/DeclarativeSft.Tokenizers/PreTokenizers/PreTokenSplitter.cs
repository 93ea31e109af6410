namespace DeclarativeSft.Tokenizers.PreTokenizers;

/// <summary>One splitting step of tokenizer.json's <c>pre_tokenizer</c>.</summary>
internal abstract class PreTokenSplitter
{
    /// <summary>Splits <c>text[start..end)</c> — seen by patterns as a whole string of its own, so anchors and
    /// look-aheads stop at its ends — and appends the pieces, in <paramref name="text"/> coordinates.</summary>
    public abstract void Split(ReadOnlySpan<char> text, int start, int end, List<PieceRange> output);
}

/// <summary>A splitter whose pattern is matched by hand, one piece at a time from the left (each piece ends where
/// the pattern's leftmost alternative that matches at that position ends).</summary>
internal abstract class LeftToRightSplitter : PreTokenSplitter
{
    public sealed override void Split(ReadOnlySpan<char> text, int start, int end, List<PieceRange> output)
    {
        var s = text[start..end];
        var pos = 0;
        while (pos < s.Length)
        {
            var next = MatchAt(s, pos);
            output.Add(new PieceRange(start + pos, start + next));
            pos = next;
        }
    }

    /// <summary>End (exclusive) of the piece that starts at <paramref name="i"/>; always greater than <paramref name="i"/>.</summary>
    protected abstract int MatchAt(ReadOnlySpan<char> s, int i);
}
