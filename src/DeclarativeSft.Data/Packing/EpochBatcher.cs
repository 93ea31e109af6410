namespace DeclarativeSft.Data;

/// <summary>Where the data stream stands: the epoch and the index of the next micro-batch in that epoch's order.
/// Saved in checkpoints; with the same rows and seed it resumes at exactly the same batch.</summary>
public readonly record struct DataCursor(int Epoch, int BatchIndex)
{
    public static DataCursor Start => new(0, 0);
}

/// <summary>A micro-batch of rows and the cursor to continue from after it.</summary>
public sealed record MicroBatch(IReadOnlyList<PackedRow> Rows, DataCursor Cursor, DataCursor Next);

/// <summary>
/// Yields micro-batches of rows, each epoch in its own seeded shuffled order (the order of epoch e depends only
/// on the seed and e), so a run can stop anywhere and resume from a <see cref="DataCursor"/>.
/// The last batch of an epoch may be smaller.
/// </summary>
public sealed class EpochBatcher
{
    private readonly IReadOnlyList<PackedRow> _rows;
    private readonly int _microBatchSize;
    private readonly int _seed;
    private int _cachedEpoch = -1;
    private int[] _cachedOrder = [];

    public EpochBatcher(IReadOnlyList<PackedRow> rows, int microBatchSize, int seed)
    {
        if (rows.Count == 0) throw new ArgumentException("no training rows: the data set is empty after truncation/splitting");
        if (microBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(microBatchSize), "micro_batch_size must be at least 1");
        _rows = rows;
        _microBatchSize = microBatchSize;
        _seed = seed;
    }

    public int BatchesPerEpoch => (_rows.Count + _microBatchSize - 1) / _microBatchSize;

    /// <summary>The row order of <paramref name="epoch"/>.</summary>
    public int[] OrderOf(int epoch)
    {
        if (epoch != _cachedEpoch)
        {
            _cachedOrder = new DeterministicRandom(_seed, stream: 1000 + epoch).Permutation(_rows.Count);
            _cachedEpoch = epoch;
        }
        return _cachedOrder;
    }

    /// <summary>The micro-batch at <paramref name="cursor"/> and the cursor after it.</summary>
    public MicroBatch At(DataCursor cursor)
    {
        if (cursor.Epoch < 0 || cursor.BatchIndex < 0 || cursor.BatchIndex >= BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(cursor), $"cursor {cursor} is outside 0..{BatchesPerEpoch - 1} batches per epoch; the data changed since the checkpoint was written");
        var order = OrderOf(cursor.Epoch);
        int start = cursor.BatchIndex * _microBatchSize;
        int end = Math.Min(start + _microBatchSize, order.Length);
        var rows = new PackedRow[end - start];
        for (int i = start; i < end; i++) rows[i - start] = _rows[order[i]];
        var next = cursor.BatchIndex + 1 < BatchesPerEpoch ? cursor with { BatchIndex = cursor.BatchIndex + 1 } : new DataCursor(cursor.Epoch + 1, 0);
        return new MicroBatch(rows, cursor, next);
    }

    /// <summary>Micro-batches from <paramref name="start"/> on, endlessly across epochs (the trainer decides when to stop).</summary>
    public IEnumerable<MicroBatch> From(DataCursor start)
    {
        var cursor = start;
        while (true)
        {
            var batch = At(cursor);
            yield return batch;
            cursor = batch.Next;
        }
    }
}
