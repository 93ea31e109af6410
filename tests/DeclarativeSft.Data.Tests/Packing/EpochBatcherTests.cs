namespace DeclarativeSft.Data.Tests.Packing;

public class EpochBatcherTests
{
    private static List<PackedRow> Rows(int n) =>
        Enumerable.Range(0, n).Select(i => new PackedRow([i], [i], [0], [0])).ToList();

    private static int[] Ids(MicroBatch b) => b.Rows.Select(r => r.InputIds[0]).ToArray();

    [Fact]
    public void Each_epoch_is_a_seeded_permutation_in_micro_batches()
    {
        var batcher = new EpochBatcher(Rows(10), microBatchSize: 3, seed: 5);
        Assert.Equal(4, batcher.BatchesPerEpoch);
        var epoch0 = batcher.From(DataCursor.Start).Take(4).ToList();
        Assert.Equal([3, 3, 3, 1], epoch0.Select(b => b.Rows.Count));
        Assert.Equal(Enumerable.Range(0, 10), epoch0.SelectMany(Ids).Order());
        Assert.NotEqual(Enumerable.Range(0, 10), epoch0.SelectMany(Ids)); // shuffled
        var epoch1 = batcher.From(new DataCursor(1, 0)).Take(4).SelectMany(Ids).ToList();
        Assert.NotEqual(epoch0.SelectMany(Ids), epoch1);
        Assert.Equal(new DataCursor(1, 0), epoch0[^1].Next);
    }

    [Fact]
    public void Resuming_from_a_saved_cursor_yields_the_same_batches()
    {
        var uninterrupted = new EpochBatcher(Rows(7), 2, seed: 9).From(DataCursor.Start).Take(11).Select(Ids).ToList();
        var first = new EpochBatcher(Rows(7), 2, seed: 9).From(DataCursor.Start).Take(6).ToList();
        var saved = first[^1].Next;
        var resumed = new EpochBatcher(Rows(7), 2, seed: 9).From(saved).Take(5).Select(Ids);
        Assert.Equal(uninterrupted, first.Select(Ids).Concat(resumed));
    }
}
