namespace DeclarativeSft.Data;

/// <summary>How examples become fixed-length rows: <c>max_seq_len</c>, packing and the padding id.</summary>
public sealed record RowLayout(int RowLength, bool Packing, PackingStrategy Strategy, int PadTokenId)
{
    /// <summary>Rows of <paramref name="examples"/>: packed (block-causal) or one padded example per row.</summary>
    public List<PackedRow> Build(IReadOnlyList<TokenizedExample> examples) =>
        Packing ? Packer.Pack(examples, RowLength, Strategy, PadTokenId) : Packer.Pad(examples, RowLength, PadTokenId);
}

/// <summary>
/// The training rows of every epoch: the examples the <see cref="MixingPlan"/> draws for the epoch, packed, in the
/// order batches take them. With one source each epoch takes the rows in a seeded permutation. With several, rows
/// are dealt to micro-batches so that each source reaches as many batches as it has rows for (0.8/0.2 in batches of
/// five unpacked rows: four and one in every batch). The rows and the order of epoch e depend only on the data, the
/// seed and e, so a run resumes exactly.
/// </summary>
public sealed class TrainingMix
{
    private readonly IReadOnlyList<IReadOnlyList<TokenizedExample>>? _bySource;
    private readonly RowLayout? _layout;
    private readonly IReadOnlyList<PackedRow>? _fixedRows;
    private readonly int _seed;
    private int _cachedEpoch = -1;
    private IReadOnlyList<PackedRow> _cachedRows = [];

    /// <summary>A mix of <paramref name="bySource"/> (examples of source i carry Tag i) following <paramref name="plan"/>.
    /// <paramref name="fixedRows"/>: the rows when the plan is fixed and they were already built (e.g. read from the cache).</summary>
    public TrainingMix(IReadOnlyList<string> tags, IReadOnlyList<IReadOnlyList<TokenizedExample>> bySource, MixingPlan plan, RowLayout layout,
        int seed, IReadOnlyList<PackedRow>? fixedRows = null)
    {
        if (tags.Count != bySource.Count) throw new ArgumentException("one tag per data source");
        Tags = tags;
        Plan = plan;
        _bySource = bySource;
        _layout = layout;
        _seed = seed;
        if (plan.IsFixed) _fixedRows = fixedRows ?? layout.Build(Select(0));
    }

    private TrainingMix(IReadOnlyList<PackedRow> rows, int seed)
    {
        Tags = ["train"];
        Plan = new MixingPlan([rows.Count], [null], seed);
        _fixedRows = rows;
        _seed = seed;
    }

    /// <summary>One source whose rows are already built: every epoch uses them all, in a seeded order.</summary>
    public static TrainingMix OfRows(IReadOnlyList<PackedRow> rows, int seed) => new(rows, seed);

    /// <summary>Source names, by source index (the Tag of examples and the SegmentTags of rows).</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>How many examples of each source an epoch draws.</summary>
    public MixingPlan Plan { get; }

    /// <summary>The examples of each source the epochs draw from (null for a mix of prebuilt rows).</summary>
    public IReadOnlyList<IReadOnlyList<TokenizedExample>>? Sources => _bySource;

    /// <summary>The rows every epoch uses when the plan is fixed; null when each epoch draws and packs its own.</summary>
    public IReadOnlyList<PackedRow>? FixedRows => _fixedRows;

    /// <summary>The examples epoch <paramref name="epoch"/> draws, source by source.</summary>
    public List<TokenizedExample> Select(int epoch)
    {
        if (_bySource is null) throw new InvalidOperationException("a mix of prebuilt rows has no examples");
        var selected = new List<TokenizedExample>(Plan.EpochSize);
        for (int s = 0; s < _bySource.Count; s++)
            foreach (int i in Plan.Draw(s, epoch)) selected.Add(_bySource[s][i]);
        return selected;
    }

    /// <summary>The rows of <paramref name="epoch"/> as packed (not yet in batch order).</summary>
    public IReadOnlyList<PackedRow> RowsOf(int epoch)
    {
        if (_fixedRows is not null) return _fixedRows;
        if (epoch != _cachedEpoch)
        {
            _cachedRows = _layout!.Build(Select(epoch));
            _cachedEpoch = epoch;
        }
        return _cachedRows;
    }

    /// <summary>The rows of <paramref name="epoch"/> in the order micro-batches of <paramref name="microBatchSize"/> take them.</summary>
    public PackedRow[] BatchOrder(int epoch, int microBatchSize)
    {
        var rows = RowsOf(epoch);
        var shuffled = new DeterministicRandom(_seed, stream: 1000 + epoch).Permutation(rows.Count);
        var order = Tags.Count <= 1 ? shuffled : Dealt(rows, shuffled, Tags.Count, microBatchSize);
        var ordered = new PackedRow[rows.Count];
        for (int i = 0; i < order.Length; i++) ordered[i] = rows[order[i]];
        return ordered;
    }

    /// <summary>
    /// Deals rows to micro-batches like cards: rows holding the rarest source first (in shuffled order), then rows
    /// whose rarest source is the next rarest, and so on, each to the next batch with room. A source held by r rows
    /// lands in min(r, batches) different batches: every batch gets one as soon as there are enough.
    /// </summary>
    private static int[] Dealt(IReadOnlyList<PackedRow> rows, int[] shuffled, int tagCount, int batchSize)
    {
        var examples = new long[tagCount];
        var holds = new bool[rows.Count][];
        for (int r = 0; r < rows.Count; r++)
        {
            holds[r] = new bool[tagCount];
            for (int s = 0; s < rows[r].SegmentCount; s++)
            {
                int tag = rows[r].SegmentTags?[s] ?? 0;
                holds[r][tag] = true;
                examples[tag]++;
            }
        }
        var rarity = new int[tagCount];
        var byRarity = Enumerable.Range(0, tagCount).OrderBy(t => examples[t]).ThenBy(t => t).ToArray();
        for (int k = 0; k < tagCount; k++) rarity[byRarity[k]] = k;
        int RarestHeld(int r) => Enumerable.Range(0, tagCount).Where(t => holds[r][t]).Select(t => rarity[t]).DefaultIfEmpty(tagCount).Min();

        int batches = (rows.Count + batchSize - 1) / batchSize;
        var dealt = new List<int>[batches];
        for (int b = 0; b < batches; b++) dealt[b] = new List<int>(batchSize);
        int Capacity(int b) => b < batches - 1 ? batchSize : rows.Count - batchSize * (batches - 1);
        int next = 0;
        foreach (int r in shuffled.OrderBy(RarestHeld)) // OrderBy is stable: the shuffle survives within a rarity
        {
            while (dealt[next].Count == Capacity(next)) next = (next + 1) % batches;
            dealt[next].Add(r);
            next = (next + 1) % batches;
        }
        return dealt.SelectMany(b => b).ToArray();
    }
}
