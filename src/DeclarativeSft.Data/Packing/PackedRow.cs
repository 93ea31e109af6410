namespace DeclarativeSft.Data;

/// <summary>
/// One training row of fixed length. <see cref="SegmentIds"/> says which example each token belongs to (0, 1, 2…;
/// -1 for padding). Attention is block-causal: token i may attend to token j iff j ≤ i and
/// SegmentIds[i] == SegmentIds[j] != -1. <see cref="PositionIds"/> restart at 0 for each example.
/// Labels are unshifted and aligned with InputIds; the first token of every example is never a label, because
/// after the model's shift it would be predicted from the previous example's last token.
/// <see cref="SegmentTags"/> holds each example's data-source index (null: every example is source 0).
/// </summary>
public sealed record PackedRow(int[] InputIds, int[] Labels, int[] PositionIds, int[] SegmentIds, int[]? SegmentTags = null)
{
    /// <summary>Data-source index of token <paramref name="t"/> (-1 for padding).</summary>
    public int TagAt(int t) => SegmentIds[t] < 0 ? -1 : SegmentTags is null ? 0 : SegmentTags[SegmentIds[t]];

    public int Length => InputIds.Length;

    /// <summary>Tokens that are not padding.</summary>
    public int UsefulTokenCount => SegmentIds.Count(s => s >= 0);

    /// <summary>Positions that contribute to the loss.</summary>
    public int TrainedTokenCount => Labels.Count(l => l != Data.Labels.IgnoreIndex);

    /// <summary>Number of examples in the row.</summary>
    public int SegmentCount => SegmentIds.Length == 0 ? 0 : SegmentIds.Max() + 1;
}
