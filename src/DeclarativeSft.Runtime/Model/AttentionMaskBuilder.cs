using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Model;

/// <summary>
/// The block-causal mask of packed rows (contracts: token i may attend to j iff j ≤ i and
/// SegmentIds[i] == SegmentIds[j] != -1). A padding token (segment -1) attends to itself only, so its softmax stays
/// finite; its outputs carry no label and are never used.
/// </summary>
public static class AttentionMaskBuilder
{
    /// <summary>Boolean (B, 1, T, T) "may attend" mask for rows of segment ids (all rows of equal length T).
    /// Built with tensor ops on the device, never as one managed array: B·T² passes 2^31 at T = 32,768 with two rows.</summary>
    public static Tensor BlockCausal(IReadOnlyList<int[]> segmentIds, Device device)
    {
        int B = segmentIds.Count, T = segmentIds[0].Length;
        var flat = new long[(long)B * T];
        for (int b = 0; b < B; b++)
        {
            var seg = segmentIds[b];
            if (seg.Length != T) throw new ArgumentException("all rows of a batch must have the same length");
            for (int i = 0; i < T; i++) flat[(long)b * T + i] = seg[i];
        }
        Tensor mask;
        using (var scope = torch.NewDisposeScope())
        {
            var seg = torch.tensor(flat, [B, T], device: device);
            // i may attend to j iff same segment, j ≤ i and i is no padding; every token attends to itself (padding's
            // softmax stays finite). Segments are contiguous, so "same segment and j ≤ i" is the walk back from i.
            var allowed = seg.unsqueeze(2).eq(seg.unsqueeze(1));                 // (B, T, T)
            allowed.logical_and_(seg.ge(0).unsqueeze(2));
            allowed.tril_();
            allowed.diagonal(0, 1, 2).fill_(true);
            mask = allowed.unsqueeze(1).MoveToOuterDisposeScope();                // (B, 1, T, T)
        }
        Layouts.AddOrUpdate(mask, SegmentRuns(segmentIds));
        return mask;
    }

    /// <summary>A contiguous run of one row's tokens: one packed example, or padding (each padding token attends
    /// to itself only).</summary>
    public readonly record struct SegmentRun(int Start, int Length, bool Padding);

    // Masks made by BlockCausal remember the segments they encode, so attention can work example by example
    // instead of over the full (T, T) square whose off-example blocks are all masked out.
    private static readonly ConditionalWeakTable<Tensor, SegmentRun[][]> Layouts = new();

    /// <summary>The per-row segment runs of a mask made by <see cref="BlockCausal"/> (null for any other mask).</summary>
    public static SegmentRun[][]? SegmentsOf(Tensor? mask) =>
        mask is not null && Layouts.TryGetValue(mask, out var runs) ? runs : null;

    private static SegmentRun[][] SegmentRuns(IReadOnlyList<int[]> segmentIds)
    {
        var rows = new SegmentRun[segmentIds.Count][];
        for (int b = 0; b < rows.Length; b++)
        {
            var seg = segmentIds[b];
            var runs = new List<SegmentRun>();
            for (int start = 0; start < seg.Length;)
            {
                int end = start + 1;
                while (end < seg.Length && seg[end] == seg[start]) end++;
                runs.Add(new SegmentRun(start, end - start, seg[start] < 0));
                start = end;
            }
            rows[b] = runs.ToArray();
        }
        return rows;
    }

    /// <summary>True when the rows hold a single example each with no padding, so plain causal attention is exact.</summary>
    public static bool IsPlainCausal(IReadOnlyList<int[]> segmentIds) =>
        segmentIds.All(s => s.All(x => x == 0));
}
