using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Model;

/// <summary>
/// Who may attend to whom in one forward pass (null where one is expected: plain causal attention).
/// <list type="bullet">
/// <item>Packed rows (<see cref="ForPackedRows"/>): token i may attend to j iff j ≤ i and both lie in the same example;
/// a padding token attends to itself only, so its softmax stays finite (its outputs carry no label). Kept as each row's
/// runs of positions, never as a (T, T) tensor: attention runs example by example with the fused causal kernel, so
/// memory grows with T, not T² (a dense boolean mask of one 32,768-token row alone is 1 GiB).</item>
/// <item>A dense boolean (B, 1, T, T_total) "may attend" tensor (<see cref="FromTensor"/>): batched decoding, where
/// left-padded prompts and a KV cache make the pattern irregular.</item>
/// </list>
/// </summary>
public sealed class AttentionMask : IDisposable
{
    /// <summary>A contiguous run of one row's positions: one packed example, or padding.</summary>
    public readonly record struct SegmentRun(int Start, int Length, bool Padding);

    private AttentionMask(SegmentRun[][]? rows, Tensor? dense) => (Rows, Dense) = (rows, dense);

    /// <summary>Per row, its runs of positions in order (null for a dense mask).</summary>
    public SegmentRun[][]? Rows { get; }

    /// <summary>The boolean (B, 1, T, T_total) mask (null for packed rows).</summary>
    public Tensor? Dense { get; }

    /// <summary>The block-causal pattern of packed rows of segment ids (contiguous runs of one example's id; -1 marks
    /// padding), or null when every row is one example without padding and plain causal attention is exact.</summary>
    public static AttentionMask? ForPackedRows(IReadOnlyList<int[]> segmentIds)
    {
        if (segmentIds.All(s => s.All(x => x == 0))) return null;
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
        return new AttentionMask(rows, null);
    }

    /// <summary>Wraps a boolean (B, 1, T, T_total) "may attend" tensor; disposing the mask disposes it.</summary>
    public static AttentionMask FromTensor(Tensor mask) =>
        mask.dtype == ScalarType.Bool && mask.dim() == 4 ? new AttentionMask(null, mask)
            : throw new ArgumentException($"an attention mask is a boolean (B, 1, T, T_total) tensor, not {mask.dtype} of shape ({string.Join(", ", mask.shape)})");

    /// <summary>Frees the dense tensor, if any.</summary>
    public void Dispose() => Dense?.Dispose();
}
