namespace DeclarativeSft.Data;

/// <summary>How examples are assigned to packed rows.</summary>
public enum PackingStrategy
{
    /// <summary>In data order; a new row starts when the next example does not fit (next-fit).</summary>
    Greedy,
    /// <summary>Longest first, each into the row with the least room that still fits it (best-fit decreasing):
    /// fewer rows and less padding, at the cost of data order.</summary>
    BestFit,
}

/// <summary>Useful-token accounting of a set of rows.</summary>
/// <param name="Rows">Number of rows.</param>
/// <param name="Examples">Number of examples placed in the rows.</param>
/// <param name="TotalTokens">All token slots, padding included.</param>
/// <param name="UsefulTokens">Non-padding tokens (their share is <see cref="UsefulTokenFraction"/>).</param>
/// <param name="TrainedTokens">Tokens whose label is not <see cref="Labels.IgnoreIndex"/>.</param>
public sealed record PackingStats(int Rows, int Examples, long TotalTokens, long UsefulTokens, long TrainedTokens)
{
    public double UsefulTokenFraction => TotalTokens == 0 ? 0 : (double)UsefulTokens / TotalTokens;

    public static PackingStats Of(IReadOnlyList<PackedRow> rows) => new(
        rows.Count,
        rows.Sum(r => r.SegmentCount),
        rows.Sum(r => (long)r.Length),
        rows.Sum(r => (long)r.UsefulTokenCount),
        rows.Sum(r => (long)r.TrainedTokenCount));

    public override string ToString() =>
        $"{Rows} rows, {Examples} examples, useful tokens {UsefulTokens}/{TotalTokens} ({UsefulTokenFraction:P1}), trained tokens {TrainedTokens}";
}

/// <summary>Builds fixed-length rows from tokenized examples: packed (several examples per row, block-causal) or
/// padded (one example per row).</summary>
public static class Packer
{
    /// <summary>Packs examples into rows of exactly <paramref name="rowLength"/> tokens (padded at the end).</summary>
    /// <exception cref="ArgumentException">when an example is longer than the row (truncate first).</exception>
    public static List<PackedRow> Pack(IReadOnlyList<TokenizedExample> examples, int rowLength, PackingStrategy strategy, int padTokenId)
    {
        CheckLengths(examples, rowLength);
        var bins = strategy == PackingStrategy.Greedy ? NextFit(examples, rowLength) : BestFitDecreasing(examples, rowLength);
        return bins.Select(bin => BuildRow(bin.Select(i => examples[i]).ToList(), rowLength, padTokenId)).ToList();
    }

    /// <summary>One example per row, padded to <paramref name="rowLength"/>.</summary>
    public static List<PackedRow> Pad(IReadOnlyList<TokenizedExample> examples, int rowLength, int padTokenId)
    {
        CheckLengths(examples, rowLength);
        return examples.Select(e => BuildRow([e], rowLength, padTokenId)).ToList();
    }

    private static void CheckLengths(IReadOnlyList<TokenizedExample> examples, int rowLength)
    {
        if (rowLength < 1) throw new ArgumentOutOfRangeException(nameof(rowLength));
        for (int i = 0; i < examples.Count; i++)
        {
            if (examples[i].InputIds.Length != examples[i].Labels.Length)
                throw new ArgumentException($"example {i}: {examples[i].InputIds.Length} input ids but {examples[i].Labels.Length} labels");
            if (examples[i].Length > rowLength)
                throw new ArgumentException($"example {i} has {examples[i].Length} tokens, more than the row length {rowLength}; apply truncation first");
            if (examples[i].Length == 0)
                throw new ArgumentException($"example {i} has no tokens");
        }
    }

    private static List<List<int>> NextFit(IReadOnlyList<TokenizedExample> examples, int rowLength)
    {
        var bins = new List<List<int>>();
        int used = rowLength;
        for (int i = 0; i < examples.Count; i++)
        {
            if (used + examples[i].Length > rowLength)
            {
                bins.Add([]);
                used = 0;
            }
            bins[^1].Add(i);
            used += examples[i].Length;
        }
        return bins;
    }

    private static List<List<int>> BestFitDecreasing(IReadOnlyList<TokenizedExample> examples, int rowLength)
    {
        // Stable order (length desc, then index) keeps the result deterministic.
        var order = Enumerable.Range(0, examples.Count).OrderByDescending(i => examples[i].Length).ThenBy(i => i);
        var bins = new List<List<int>>();
        // Rows keyed by (free space, row index): the first entry with free space ≥ length is the best fit.
        var byFree = new SortedSet<(int Free, int Row)>();
        foreach (int i in order)
        {
            int length = examples[i].Length;
            var candidates = byFree.GetViewBetween((length, int.MinValue), (rowLength, int.MaxValue));
            if (candidates.Count > 0)
            {
                var best = candidates.Min;
                byFree.Remove(best);
                bins[best.Row].Add(i);
                byFree.Add((best.Free - length, best.Row));
            }
            else
            {
                bins.Add([i]);
                byFree.Add((rowLength - length, bins.Count - 1));
            }
        }
        return bins;
    }

    private static PackedRow BuildRow(IReadOnlyList<TokenizedExample> members, int rowLength, int padTokenId)
    {
        var ids = new int[rowLength];
        var labels = new int[rowLength];
        var positions = new int[rowLength];
        var segments = new int[rowLength];
        Array.Fill(ids, padTokenId);
        Array.Fill(labels, Labels.IgnoreIndex);
        Array.Fill(segments, -1);
        var tags = new int[members.Count];
        int at = 0;
        for (int s = 0; s < members.Count; s++)
        {
            var e = members[s];
            Array.Copy(e.InputIds, 0, ids, at, e.Length);
            Array.Copy(e.Labels, 0, labels, at, e.Length);
            labels[at] = Labels.IgnoreIndex; // never predicted from the previous example (see PackedRow)
            for (int t = 0; t < e.Length; t++)
            {
                positions[at + t] = t;
                segments[at + t] = s;
            }
            tags[s] = e.Tag;
            at += e.Length;
        }
        return new PackedRow(ids, labels, positions, segments, tags.Any(t => t != 0) ? tags : null);
    }
}
