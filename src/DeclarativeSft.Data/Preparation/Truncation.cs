namespace DeclarativeSft.Data;

/// <summary>What to do with an example longer than <c>max_seq_len</c> (recipe key <c>data.truncation</c>).</summary>
public enum TruncationMode
{
    /// <summary>Leave the example out (reported as dropped).</summary>
    Drop,
    /// <summary>Keep its first max_seq_len tokens (the end of the answer, and its end-of-turn, are lost).</summary>
    Truncate,
    /// <summary>Stop with an error naming the example's file:line.</summary>
    Error,
}

/// <summary>The examples that remain after truncation, and what happened to the others.</summary>
public sealed record TruncationResult(IReadOnlyList<LabeledExample> Kept, IReadOnlyList<LabeledExample> Dropped, int TruncatedCount);

/// <summary>Applies <see cref="TruncationMode"/> to labeled examples.</summary>
public static class Truncation
{
    public static TruncationMode Parse(string name) => name switch
    {
        "drop" => TruncationMode.Drop,
        "truncate" => TruncationMode.Truncate,
        "error" => TruncationMode.Error,
        _ => throw new ArgumentException($"unknown data.truncation '{name}'; use drop, truncate or error"),
    };

    public static TruncationResult Apply(IEnumerable<LabeledExample> examples, int maxSeqLen, TruncationMode mode)
    {
        if (maxSeqLen < 1) throw new ArgumentOutOfRangeException(nameof(maxSeqLen), "max_seq_len must be at least 1");
        var kept = new List<LabeledExample>();
        var dropped = new List<LabeledExample>();
        int truncated = 0;
        foreach (var example in examples)
        {
            if (example.Length <= maxSeqLen)
            {
                kept.Add(example);
                continue;
            }
            switch (mode)
            {
                case TruncationMode.Drop:
                    dropped.Add(example);
                    break;
                case TruncationMode.Truncate:
                    kept.Add(example.Truncate(maxSeqLen));
                    truncated++;
                    break;
                default:
                    throw new DataFormatException(example.Source.SourceFile, example.Source.SourceLine,
                        $"example has {example.Length} tokens, more than data.max_seq_len {maxSeqLen}; raise max_seq_len, shorten the example, or set data.truncation: drop or truncate");
            }
        }
        return new TruncationResult(kept, dropped, truncated);
    }
}
