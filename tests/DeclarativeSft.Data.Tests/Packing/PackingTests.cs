namespace DeclarativeSft.Data.Tests.Packing;

public class PackingTests
{
    private const int Pad = 0;

    /// <summary>Example k has ids 1000k+1 …, all trained, so each token's example is known independently of SegmentIds.</summary>
    private static List<TokenizedExample> Examples(params int[] lengths) =>
        lengths.Select((n, k) =>
        {
            var ids = Enumerable.Range(1, n).Select(t => 1000 * (k + 1) + t).ToArray();
            return new TokenizedExample(ids, (int[])ids.Clone());
        }).ToList();

    private static int ExampleOf(int id) => id == Pad ? -1 : id / 1000 - 1;

    [Theory]
    [InlineData(PackingStrategy.Greedy)]
    [InlineData(PackingStrategy.BestFit)]
    public void Packed_rows_hold_every_example_once_and_never_attend_across_examples(PackingStrategy strategy)
    {
        var examples = Examples(5, 3, 7, 2, 8, 1, 4, 6);
        var rows = Packer.Pack(examples, 10, strategy, Pad);
        var seen = new List<int>();
        foreach (var row in rows)
        {
            Assert.Equal(10, row.Length);
            var mask = AttentionMasks.BlockCausal(row.SegmentIds);
            for (int i = 0; i < row.Length; i++)
            {
                int ei = ExampleOf(row.InputIds[i]);
                for (int j = 0; j < row.Length; j++)
                {
                    bool expected = ei >= 0 && j <= i && ExampleOf(row.InputIds[j]) == ei;
                    Assert.True(expected == mask[i, j], $"mask[{i},{j}] should be {expected}");
                }
            }
            for (int i = 0; i < row.Length; i++)
            {
                int e = ExampleOf(row.InputIds[i]);
                if (e < 0)
                {
                    Assert.Equal(-1, row.SegmentIds[i]);
                    Assert.Equal(Labels.IgnoreIndex, row.Labels[i]);
                    continue;
                }
                int t = row.InputIds[i] % 1000 - 1; // the token's position inside its example
                Assert.Equal(t, row.PositionIds[i]);
                // The first token of each example is never a label (it would be predicted across the boundary).
                Assert.Equal(t == 0 ? Labels.IgnoreIndex : row.InputIds[i], row.Labels[i]);
                if (t == 0) seen.Add(e);
            }
        }
        Assert.Equal(Enumerable.Range(0, examples.Count), seen.Order());
    }

    [Fact]
    public void Best_fit_needs_no_more_rows_than_greedy_and_fills_this_case_perfectly()
    {
        var examples = Examples(6, 6, 4, 4, 5, 5);
        var greedy = Packer.Pack(examples, 10, PackingStrategy.Greedy, Pad);
        var best = Packer.Pack(examples, 10, PackingStrategy.BestFit, Pad);
        Assert.Equal(3, best.Count); // 6+4, 6+4, 5+5
        Assert.True(greedy.Count >= best.Count);
        Assert.Equal(1.0, PackingStats.Of(best).UsefulTokenFraction);
    }

    [Fact]
    public void Padded_path_has_one_example_per_row_and_reports_useful_fraction()
    {
        var examples = Examples(5, 3);
        var rows = Packer.Pad(examples, 8, Pad);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(1, r.SegmentCount));
        var stats = PackingStats.Of(rows);
        Assert.Equal(16, stats.TotalTokens);
        Assert.Equal(8, stats.UsefulTokens);
        Assert.Equal(0.5, stats.UsefulTokenFraction);
        Assert.Equal(4 + 2, stats.TrainedTokens); // all but each example's first token
    }

    [Fact]
    public void An_example_longer_than_the_row_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Packer.Pack(Examples(11), 10, PackingStrategy.Greedy, Pad));
        Assert.Contains("apply truncation first", e.Message);
    }
}
