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
    /// x (B, T, C) → (B, T, C). <paramref name="mask"/>: packed rows' block-causal pattern, a dense (B, 1, T, T_total)
    /// mask, or null for plain causal attention (or a single decoding step, which may attend to every cached token).
    /// </summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, AttentionMask? mask, KvCache? cache, int layerIndex, ForwardContext ctx)
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

        Tensor y;                                                                                  // (B, nh, T, hd)
        if (mask?.Rows is { } rows)
        {
            if (cache is not null) throw new ArgumentException("packed rows are attended without a KV cache");
            y = PerExampleAttention(q, k, v, rows);
        }
        else
        {
            bool causal = mask is null && T > 1 && (cache is null || cache.Length == T);
            y = scaled_dot_product_attention(q, k, v, attn_mask: mask?.Dense, is_casual: causal);
        }
        y = y.transpose(1, 2).reshape(B, T, _heads * _headDim);                            // (B, T, nh·hd)
        return OProj.Forward(y, ctx);                                                      // (B, T, C)
    }

    /// <summary>
    /// Block-causal attention of packed rows computed one example at a time: causal attention inside each example's
    /// run of positions; a padding token's output is its own value (it attends to itself only, so its softmax is
    /// exactly 1). The same function as a dense (T, T) mask without its masked-out blocks, and without the mask: each
    /// call is 4-D, unmasked and causal, which lets libtorch pick its fused (flash) kernel, whose memory is linear in
    /// the example's length.
    /// </summary>
    private static Tensor PerExampleAttention(Tensor q, Tensor k, Tensor v, AttentionMask.SegmentRun[][] rows)
    {
        long B = q.size(0), T = q.size(2);
        if (rows.Length != B || rows.Any(r => r.Sum(run => (long)run.Length) != T))
            throw new ArgumentException($"the packed rows' layout ({rows.Length} rows) does not match the batch ({B} rows of {T} positions)");
        var outputs = new Tensor[B];
        for (int b = 0; b < B; b++)
        {
            var runs = rows[b];
            Tensor qb = q.narrow(0, b, 1), kb = k.narrow(0, b, 1), vb = v.narrow(0, b, 1); // (1, nh, T, hd)
            var parts = new Tensor[runs.Length];
            for (int r = 0; r < runs.Length; r++)
            {
                var (start, length, padding) = runs[r];
                var vs = vb.narrow(2, start, length);                                          // (1, nh, L, hd)
                parts[r] = padding ? vs
                    : scaled_dot_product_attention(qb.narrow(2, start, length), kb.narrow(2, start, length), vs, is_casual: length > 1);
            }
            outputs[b] = parts.Length == 1 ? parts[0] : torch.cat(parts, 2);                  // (1, nh, T, hd)
        }
        return outputs.Length == 1 ? outputs[0] : torch.cat(outputs, 0);                      // (B, nh, T, hd)
    }
}
