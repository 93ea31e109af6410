namespace DeclarativeSft.Data;

/// <summary>Attention masks implied by <see cref="PackedRow.SegmentIds"/>.</summary>
public static class AttentionMasks
{
    /// <summary>True where query i may attend to key j: j ≤ i and both in the same (non-padding) segment.</summary>
    public static bool CanAttend(int[] segmentIds, int i, int j) =>
        j <= i && segmentIds[i] >= 0 && segmentIds[i] == segmentIds[j];

    /// <summary>The full (T, T) block-causal mask of one row.</summary>
    public static bool[,] BlockCausal(int[] segmentIds)
    {
        int n = segmentIds.Length;
        var mask = new bool[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                mask[i, j] = CanAttend(segmentIds, i, j);
        return mask;
    }
}
