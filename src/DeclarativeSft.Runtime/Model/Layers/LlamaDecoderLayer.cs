using TorchSharp;
using static TorchSharp.torch;

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
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, AttentionMask? mask, KvCache? cache, ForwardContext ctx)
    {
        // The layer's temporaries are released when it returns, as a Python loop's would be: autograd keeps the
        // ones backward needs and frees them as backward passes, instead of every activation of the step living
        // until the caller's scope ends (a larger, colder working set).
        using var scope = torch.NewDisposeScope();
        var h = x.add(SelfAttn.Forward(InputLayerNorm.Forward(x), cos, sin, mask, cache, Index, ctx)); // (B, T, C)
        return h.add(Mlp.Forward(PostAttentionLayerNorm.Forward(h), ctx)).MoveToOuterDisposeScope();   // (B, T, C)
    }
}
