using DeclarativeSft.Torch;

namespace DeclarativeSft.Runtime.Model.Layers;

/// <summary>One pre-norm decoder block: x + attn(norm(x)), then + mlp(norm(x)).</summary>
public sealed class LlamaDecoderLayer(int index, RmsNorm inputNorm, LlamaAttention attention, RmsNorm postAttentionNorm, LlamaMlp mlp)
{
    public int Index { get; } = index;
    public RmsNorm InputLayerNorm { get; } = inputNorm;
    public LlamaAttention SelfAttn { get; } = attention;
    public RmsNorm PostAttentionLayerNorm { get; } = postAttentionNorm;
    public LlamaMlp Mlp { get; } = mlp;

    /// <summary>x (B, T, C) → (B, T, C).</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache, ForwardContext ctx)
    {
        var h = x.add(SelfAttn.Forward(InputLayerNorm.Forward(x), cos, sin, mask, cache, Index, ctx)); // (B, T, C)
        return h.add(Mlp.Forward(PostAttentionLayerNorm.Forward(h), ctx));                              // (B, T, C)
    }
}
