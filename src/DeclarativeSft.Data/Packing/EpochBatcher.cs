namespace DeclarativeSft.Data;

/// <summary>Where the data stream stands: the epoch and the index of the next micro-batch in that epoch's order.
/// Saved in checkpoints; with the same data and seed it resumes at exactly the same batch.</summary>
public readonly record struct DataCursor(int Epoch, int BatchIndex)
{
    public static DataCursor Start => new(0, 0);
}

/// <summary>A micro-batch of rows and the cursor to continue from after it.</summary>
public sealed record MicroBatch(IReadOnlyList<PackedRow> Rows, DataCursor Cursor, DataCursor Next);

/// <summary>
/// Yields micro-batches of rows, each epoch in the order of its <see cref="TrainingMix"/> (which depends only on the
/// seed and the epoch), so a run can stop anywhere and resume from a <see cref="DataCursor"/>.
/// The last batch of an epoch may be smaller.
/// </summary>
public sealed class EpochBatcher
{
    private readonly int _microBatchSize;
    private int _cachedEpoch = -1;
    private PackedRow[] _cachedRows = [];

    /// <summary>Batches of a mix.</summary>
    public EpochBatcher(TrainingMix mix, int microBatchSize)
    {
        if (mix.RowsOf(0).Count == 0) throw new ArgumentException("no training rows: the data set is empty after truncation/splitting");
        if (microBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(microBatchSize), "micro_batch_size must be at least 1");
        Mix = mix;
        _microBatchSize = microBatchSize;
    }

    /// <summary>Batches of one set of rows, each epoch in its own seeded shuffled order.</summary>
    public EpochBatcher(IReadOnlyList<PackedRow> rows, int microBatchSize, int seed)
        : this(rows.Count == 0 ? throw new ArgumentException("no training rows: the data set is empty after truncation/splitting") : TrainingMix.OfRows(rows, seed), microBatchSize)
    {
    }

    /// <summary>The rows of every epoch and their order.</summary>
    public TrainingMix Mix { get; }

    /// <summary>Micro-batches of epoch 0 (every epoch when the mix is fixed).</summary>
    public int BatchesPerEpoch => BatchesIn(0);

    /// <summary>Micro-batches of <paramref name="epoch"/>.</summary>
    public int BatchesIn(int epoch) => (Mix.RowsOf(epoch).Count + _microBatchSize - 1) / _microBatchSize;

    /// <summary>Micro-batches of the first <paramref name="epochs"/> epochs.</summary>
    public long TotalBatches(int epochs)
    {
        if (Mix.Plan.IsFixed) return (long)epochs * BatchesPerEpoch;
        long total = 0;
        for (int e = 0; e < epochs; e++) total += BatchesIn(e);
        return total;
    }

    private PackedRow[] OrderedRows(int epoch)
    {
        if (epoch != _cachedEpoch)
        {
            _cachedRows = Mix.BatchOrder(epoch, _microBatchSize);
            _cachedEpoch = epoch;
        }
        return _cachedRows;
    }

    /// <summary>The micro-batch at <paramref name="cursor"/> and the cursor after it.</summary>
    public MicroBatch At(DataCursor cursor)
    {
        if (cursor.Epoch < 0 || cursor.BatchIndex < 0 || cursor.BatchIndex >= BatchesIn(Math.Max(0, cursor.Epoch)))
            throw new ArgumentOutOfRangeException(nameof(cursor), $"cursor {cursor} is outside 0..{BatchesIn(Math.Max(0, cursor.Epoch)) - 1} batches of its epoch; the data changed since the checkpoint was written");
        var order = OrderedRows(cursor.Epoch);
        int start = cursor.BatchIndex * _microBatchSize;
        int end = Math.Min(start + _microBatchSize, order.Length);
        var rows = new PackedRow[end - start];
        for (int i = start; i < end; i++) rows[i - start] = order[i];
        int batches = (order.Length + _microBatchSize - 1) / _microBatchSize;
        var next = cursor.BatchIndex + 1 < batches ? cursor with { BatchIndex = cursor.BatchIndex + 1 } : new DataCursor(cursor.Epoch + 1, 0);
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
