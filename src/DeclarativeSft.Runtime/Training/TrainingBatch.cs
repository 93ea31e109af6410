using DeclarativeSft.Data;
using DeclarativeSft.Runtime.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Training;

/// <summary>A micro-batch on the device: ids and positions (B, T), the rows' block-causal pattern (or null when plain
/// causal attention is exact), next-token targets (B, T-1) and how many of them carry loss. With several data sources,
/// <see cref="TargetTags"/> (B, T-1) holds the source of each target (0 where ignored) and <see cref="TrainedByTag"/>
/// the trained targets of each source, for per-source losses.</summary>
public sealed record TrainingBatch(Tensor InputIds, Tensor PositionIds, AttentionMask? Mask, Tensor Targets, long TrainedTokens, long Tokens,
    Tensor? TargetTags = null, long[]? TrainedByTag = null)
{
    /// <summary>Frees the batch's tensors.</summary>
    public void DisposeTensors()
    {
        InputIds.Dispose(); PositionIds.Dispose(); Mask?.Dispose(); Targets.Dispose(); TargetTags?.Dispose();
    }

    /// <summary>Builds the tensors of <paramref name="rows"/> (all the same length). Targets are the labels shifted left
    /// by one, and a target that lies in a different segment than its input position is ignored.</summary>
    /// <param name="tagCount">Data sources to account per-source losses for; 1 (or less): none.</param>
    public static TrainingBatch From(IReadOnlyList<PackedRow> rows, Device device, int tagCount = 1)
    {
        int B = rows.Count, T = rows[0].Length;
        var ids = new long[B * T];
        var pos = new long[B * T];
        var targets = new long[B * (T - 1)];
        var tags = tagCount > 1 ? new long[B * (T - 1)] : null;
        var byTag = tagCount > 1 ? new long[tagCount] : null;
        long trained = 0, tokens = 0;
        for (int b = 0; b < B; b++)
        {
            var r = rows[b];
            if (r.Length != T) throw new ArgumentException($"row {b} has length {r.Length}, expected {T}: rows of a batch must be padded to one length");
            for (int t = 0; t < T; t++)
            {
                ids[b * T + t] = r.InputIds[t];
                pos[b * T + t] = r.PositionIds[t];
                if (r.SegmentIds[t] >= 0) tokens++;
            }
            for (int t = 0; t < T - 1; t++)
            {
                int label = r.Labels[t + 1];
                bool sameSegment = r.SegmentIds[t + 1] == r.SegmentIds[t] && r.SegmentIds[t] >= 0;
                long target = sameSegment ? label : Labels.IgnoreIndex;
                targets[b * (T - 1) + t] = target;
                if (target != Labels.IgnoreIndex)
                {
                    trained++;
                    if (tags is not null) { int tag = r.TagAt(t + 1); tags[b * (T - 1) + t] = tag; byTag![tag]++; }
                }
            }
        }
        return new TrainingBatch(
            torch.tensor(ids, [B, T], device: device),
            torch.tensor(pos, [B, T], device: device),
            AttentionMask.ForPackedRows(rows.Select(r => r.SegmentIds).ToList()),
            torch.tensor(targets, [B, T - 1], device: device),
            trained, tokens,
            tags is null ? null : torch.tensor(tags, [B, T - 1], device: device),
            byTag);
    }
}
