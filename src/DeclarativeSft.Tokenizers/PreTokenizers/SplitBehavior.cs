namespace DeclarativeSft.Tokenizers.PreTokenizers;

/// <summary>What a Split pre-tokenizer does with the text its pattern matches (tokenizer.json <c>behavior</c>).</summary>
internal enum SplitBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}
