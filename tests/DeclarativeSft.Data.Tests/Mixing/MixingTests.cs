namespace DeclarativeSft.Data.Tests.Mixing;

/// <summary>Weighted multi-source mixing: realized shares, spreading of sources across batches, exact resume.</summary>
public class MixingTests
{
    private const int Pad = 0;

    /// <summary><paramref name="count"/> examples of source <paramref name="tag"/> with seeded lengths 4..40; the first
    /// id of each is a unique example number, so draws can be told apart.</summary>
    private static List<TokenizedExample> Source(int tag, int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            int n = random.Next(4, 41);
            var ids = Enumerable.Range(0, n).Select(t => t == 0 ? tag * 100_000 + i + 1 : 7).ToArray();
            var labels = ids.Select((id, t) => t < n / 2 ? Labels.IgnoreIndex : id).ToArray();
            return new TokenizedExample(ids, labels, tag);
        }).ToList();
    }

    private static TrainingMix Mix(int[] sizes, double?[] weights, bool packing, int seed = 5)
    {
        var bySource = sizes.Select((n, s) => (IReadOnlyList<TokenizedExample>)Source(s, n, 100 + s)).ToList();
        var tags = sizes.Select((_, s) => "tag" + s).ToList();
        var layout = new RowLayout(64, packing, PackingStrategy.BestFit, Pad);
        return new TrainingMix(tags, bySource, new MixingPlan(sizes, weights, seed), layout, seed);
    }

    /// <summary>Examples of each source in the rows an epoch's batches deliver (counted from the rows, not the plan).</summary>
    private static int[] ExamplesPerTag(EpochBatcher batcher, int epoch, int tagCount)
    {
        var counts = new int[tagCount];
        for (int b = 0; b < batcher.BatchesIn(epoch); b++)
            foreach (var row in batcher.At(new DataCursor(epoch, b)).Rows)
                for (int s = 0; s < row.SegmentCount; s++) counts[row.SegmentTags?[s] ?? 0]++;
        return counts;
    }

    [Theory]
    [InlineData(new[] { 400, 90 }, new[] { 0.8, 0.2 }, true)]
    [InlineData(new[] { 400, 90 }, new[] { 0.8, 0.2 }, false)]
    [InlineData(new[] { 333, 50, 1000 }, new[] { 0.7, 0.2, 0.1 }, true)]
    [InlineData(new[] { 120, 700 }, new[] { 3.0, 1.0 }, false)]
    public void Realized_shares_match_the_weights_within_two_percent_in_every_epoch(int[] sizes, double[] weights, bool packing)
    {
        var batcher = new EpochBatcher(Mix(sizes, weights.Select(w => (double?)w).ToArray(), packing), microBatchSize: 4);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var counts = ExamplesPerTag(batcher, epoch, sizes.Length);
            double total = counts.Sum();
            for (int s = 0; s < sizes.Length; s++)
                Assert.InRange(counts[s] / total, weights[s] / weights.Sum() - 0.02, weights[s] / weights.Sum() + 0.02);
            Assert.Equal(sizes[0], counts[0]); // the first source exactly once per epoch
        }
    }

    [Fact]
    public void Without_weights_every_example_is_used_once_per_epoch()
    {
        var mix = Mix([30, 12], [null, null], packing: false);
        Assert.True(mix.Plan.IsFixed);
        var batcher = new EpochBatcher(mix, 4);
        for (int epoch = 0; epoch < 3; epoch++) Assert.Equal([30, 12], ExamplesPerTag(batcher, epoch, 2));
    }

    [Fact]
    public void A_subsampled_source_shows_new_examples_each_epoch_before_repeating_any()
    {
        // general: 360 examples, 270 per epoch. Epochs 0 and 1 together hold all 360 (and 180 of the next pass).
        var mix = Mix([270, 360], [0.5, 0.5], packing: false);
        var epoch0 = mix.Select(0).Where(e => e.Tag == 1).Select(e => e.InputIds[0]).ToList();
        var epoch1 = mix.Select(1).Where(e => e.Tag == 1).Select(e => e.InputIds[0]).ToList();
        Assert.Equal(270, epoch0.Count);
        Assert.Equal(270, epoch0.Distinct().Count());
        Assert.Equal(360, epoch0.Concat(epoch1).Distinct().Count());
        Assert.NotEqual(epoch0.Order(), epoch1.Order());
    }

    [Fact]
    public void An_oversampled_source_repeats_each_example_as_evenly_as_possible()
    {
        var mix = Mix([100, 10], [0.5, 0.5], packing: false); // 100 draws from 10 examples
        var drawn = mix.Select(0).Where(e => e.Tag == 1).GroupBy(e => e.InputIds[0]).Select(g => g.Count()).ToList();
        Assert.Equal(10, drawn.Count);
        Assert.All(drawn, c => Assert.Equal(10, c));
    }

    [Fact]
    public void Every_micro_batch_holds_both_sources_when_the_proportions_allow()
    {
        // 0.8/0.2 in batches of 5 unpacked rows: each batch can hold 4 + 1, and does.
        var batcher = new EpochBatcher(Mix([400, 300], [0.8, 0.2], packing: false), microBatchSize: 5);
        for (int epoch = 0; epoch < 2; epoch++)
            for (int b = 0; b < batcher.BatchesIn(epoch); b++)
            {
                var tags = batcher.At(new DataCursor(epoch, b)).Rows.Select(r => r.TagAt(0)).ToList();
                Assert.Equal(4, tags.Count(t => t == 0));
                Assert.Equal(1, tags.Count(t => t == 1));
            }
        // Packed rows mix sources inside rows too; every batch of 4 rows holds both sources.
        var packed = new EpochBatcher(Mix([400, 300], [0.8, 0.2], packing: true), microBatchSize: 4);
        for (int b = 0; b < packed.BatchesIn(0); b++)
        {
            var rows = packed.At(new DataCursor(0, b)).Rows;
            var tags = rows.SelectMany(r => Enumerable.Range(0, r.SegmentCount).Select(s => r.SegmentTags?[s] ?? 0)).Distinct().Count();
            Assert.True(tags == 2 || rows.Count < 4, $"batch {b} of {packed.BatchesIn(0)} holds only one source: " + string.Join(" | ", rows.Select(r => string.Join(",", r.SegmentTags ?? []) + " n=" + r.SegmentCount)));
        }
    }

    [Fact]
    public void Resuming_a_mix_from_a_saved_cursor_yields_the_same_batches()
    {
        static List<int[]> Ids(IEnumerable<MicroBatch> batches) =>
            batches.Select(b => b.Rows.SelectMany(r => r.InputIds).ToArray()).ToList();
        var uninterrupted = Ids(new EpochBatcher(Mix([120, 700], [0.6, 0.4], packing: true), 3).From(DataCursor.Start).Take(200));
        var first = new EpochBatcher(Mix([120, 700], [0.6, 0.4], packing: true), 3).From(DataCursor.Start).Take(77).ToList();
        // A fresh mix and batcher, as a resumed process builds them, continue from the saved cursor.
        var resumed = new EpochBatcher(Mix([120, 700], [0.6, 0.4], packing: true), 3).From(first[^1].Next).Take(123);
        Assert.True(first[^1].Next.Epoch >= 1, "the cut should fall after the first epoch");
        Assert.Equal(uninterrupted, Ids(first).Concat(Ids(resumed)).ToList());
        // and a different seed gives a different stream
        Assert.NotEqual(uninterrupted, Ids(new EpochBatcher(Mix([120, 700], [0.6, 0.4], packing: true, seed: 6), 3).From(DataCursor.Start).Take(200)));
    }

    [Fact]
    public void One_unweighted_source_batches_exactly_as_a_plain_row_list()
    {
        var examples = Source(0, 50, 1);
        var layout = new RowLayout(64, true, PackingStrategy.BestFit, Pad);
        var mix = new TrainingMix(["only"], [examples], new MixingPlan([50], [null], 9), layout, 9);
        var plain = new EpochBatcher(layout.Build(examples), 4, seed: 9);
        var mixed = new EpochBatcher(mix, 4);
        static IEnumerable<int[]> Ids(EpochBatcher b) => b.From(DataCursor.Start).Take(40).SelectMany(m => m.Rows).Select(r => r.InputIds);
        Assert.Equal(Ids(plain), Ids(mixed));
    }

    [Fact]
    public void Weights_must_be_on_every_source_and_positive()
    {
        Assert.Throws<ArgumentException>(() => new MixingPlan([3, 4], [0.5, null], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MixingPlan([3, 4], [0.5, 0.0], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MixingPlan([3, 4], [0.5, double.PositiveInfinity], 1));
        Assert.Equal([3, 9], MixingPlan.Compute([3, 4], [0.25, 0.75])); // 3 · 0.75 / 0.25
    }
}
