using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace DeclarativeSft.Runtime.Model.Layers;

/// <summary>Grouped-query self-attention with rotary positions; optional q/k/v bias (Qwen2) and per-head q/k RMSNorm (Qwen3).</summary>
public sealed class LlamaAttention
{
    private readonly int _heads, _kvHeads, _headDim;

    public LinearLayer QProj { get; }
    public LinearLayer KProj { get; }
    public LinearLayer VProj { get; }
    public LinearLayer OProj { get; }
    public RmsNorm? QNorm { get; }
    public RmsNorm? KNorm { get; }

    /// <summary>Assembles the attention block from its projections.</summary>
    public LlamaAttention(LlamaConfig config, LinearLayer q, LinearLayer k, LinearLayer v, LinearLayer o, RmsNorm? qNorm, RmsNorm? kNorm)
    {
        _heads = config.NumAttentionHeads;
        _kvHeads = config.NumKeyValueHeads;
        _headDim = config.HeadDim;
        (QProj, KProj, VProj, OProj, QNorm, KNorm) = (q, k, v, o, qNorm, kNorm);
    }

    /// <summary>
    /// x (B, T, C) → (B, T, C). <paramref name="mask"/> is a boolean (B, 1, T, T_total) "may attend" mask, or null
    /// for plain causal attention (or a single decoding step, which may attend to every cached token).
    /// </summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache, int layerIndex, ForwardContext ctx)
    {
        long B = x.size(0), T = x.size(1);
        var q = QProj.Forward(x, ctx).view(B, T, _heads, _headDim);    // (B, T, nh, hd)
        var k = KProj.Forward(x, ctx).view(B, T, _kvHeads, _headDim);  // (B, T, nkv, hd)
        var v = VProj.Forward(x, ctx).view(B, T, _kvHeads, _headDim);  // (B, T, nkv, hd)
        if (QNorm is not null) q = QNorm.Forward(q);                   // per-head norm over hd
        if (KNorm is not null) k = KNorm.Forward(k);
        q = RotaryEmbedding.Apply(q.transpose(1, 2), cos, sin);          // (B, nh, T, hd)
        k = RotaryEmbedding.Apply(k.transpose(1, 2), cos, sin);          // (B, nkv, T, hd)
        v = v.transpose(1, 2);                                           // (B, nkv, T, hd)
        if (cache is not null) (k, v) = cache.Append(layerIndex, k, v);  // (B, nkv, T_total, hd)

        if (_kvHeads != _heads)
        {
            // GQA: each kv head serves heads/kv_heads consecutive query heads (HF repeat_kv).
            int rep = _heads / _kvHeads;
            long Tk = k.size(2);
            k = k.unsqueeze(2).expand(B, _kvHeads, rep, Tk, _headDim).reshape(B, _heads, Tk, _headDim); // (B, nh, T_total, hd)
            v = v.unsqueeze(2).expand(B, _kvHeads, rep, Tk, _headDim).reshape(B, _heads, Tk, _headDim);
        }

        bool causal = mask is null && T > 1 && (cache is null || cache.Length == T);
        var segments = cache is null ? AttentionMaskBuilder.SegmentsOf(mask) : null;
        if (segments is not null && (segments.Length != B || segments.Any(r => r.Sum(run => run.Length) != T)))
            segments = null; // a mask for other rows: let the dense path report the shape mismatch
        var y = segments is not null
            ? PerExampleAttention(q, k, v, segments)                                           // (B, nh, T, hd)
            : scaled_dot_product_attention(q, k, v, attn_mask: mask, is_casual: causal);       // (B, nh, T, hd)
        y = y.transpose(1, 2).reshape(B, T, _heads * _headDim);                            // (B, T, nh·hd)
        return OProj.Forward(y, ctx);                                                      // (B, T, C)
    }

    /// <summary>
    /// Block-causal attention of packed rows computed one example at a time: causal attention inside each
    /// example's run of positions, and a padding token's output is its own value (the mask lets it attend to
    /// itself only, so its softmax is exactly 1). The same function as the dense (T, T) mask, without the
    /// masked-out blocks between examples — for rows of a few examples most of the square.
    /// </summary>
    private static Tensor PerExampleAttention(Tensor q, Tensor k, Tensor v, AttentionMaskBuilder.SegmentRun[][] segments)
    {
        var rows = new Tensor[segments.Length];
        for (int b = 0; b < segments.Length; b++)
        {
            var runs = segments[b];
            Tensor qb = q.select(0, b), kb = k.select(0, b), vb = v.select(0, b); // (nh, T, hd)
            var parts = new Tensor[runs.Length];
            for (int r = 0; r < runs.Length; r++)
            {
                var (start, length, padding) = runs[r];
                var vs = vb.narrow(1, start, length);                              // (nh, L, hd)
                parts[r] = padding ? vs
                    : scaled_dot_product_attention(qb.narrow(1, start, length), kb.narrow(1, start, length), vs, is_casual: length > 1);
            }
            rows[b] = parts.Length == 1 ? parts[0] : torch.cat(parts, 1);          // (nh, T, hd)
        }
        return torch.stack(rows, 0);                                               // (B, nh, T, hd)
    }
}
