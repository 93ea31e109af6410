namespace DeclarativeSft.Tokenizers.PreTokenizers;

/// <summary>
/// tokenizer.json's <c>pre_tokenizer</c> reduced to what encoding needs: an optional Metaspace text transform,
/// the splitting steps in order, and whether the model sees UTF-8 bytes (a ByteLevel step) or characters.
/// </summary>
internal sealed class PreTokenizerPipeline(MetaspaceTransform? metaspace, IReadOnlyList<PreTokenSplitter> splitters, bool byteLevel)
{
    public MetaspaceTransform? Metaspace { get; } = metaspace;

    public bool ByteLevel { get; } = byteLevel;

    /// <summary>Splits <c>text[start..end)</c> into pieces; <paramref name="spare"/> is scratch space.</summary>
    public void Split(ReadOnlySpan<char> text, int start, int end, List<PieceRange> output, List<PieceRange> spare)
    {
        if (splitters.Count == 0)
        {
            output.Add(new PieceRange(start, end));
            return;
        }
        if (splitters.Count == 1)
        {
            splitters[0].Split(text, start, end, output);
            return;
        }
        spare.Clear();
        spare.Add(new PieceRange(start, end));
        var current = spare;
        var next = output;
        foreach (var splitter in splitters)
        {
            next.Clear();
            foreach (var piece in current) splitter.Split(text, piece.Start, piece.End, next);
            (current, next) = (next, current);
        }
        if (!ReferenceEquals(current, output))
        {
            output.Clear();
            output.AddRange(current);
        }
    }
}
