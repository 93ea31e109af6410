using DeclarativeSft.Runtime.Lora;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace DeclarativeSft.Runtime.Model.Layers;

/// <summary>A projection y = x·Wᵀ (+ b) as in torch.nn.Linear, with an optional LoRA adapter on top.
/// <see cref="Name"/> is the Hugging Face module path, e.g. <c>model.layers.0.self_attn.q_proj</c>.</summary>
public sealed class LinearLayer
{
    /// <summary>Hugging Face module path (parameters are <c>{Name}.weight</c> / <c>{Name}.bias</c>).</summary>
    public string Name { get; }
    /// <summary>(out_features, in_features).</summary>
    public Tensor Weight { get; internal set; }
    /// <summary>(out_features) or null.</summary>
    public Tensor? Bias { get; internal set; }
    /// <summary>The adapter, when LoRA targets this projection.</summary>
    public LoraAdapter? Lora { get; internal set; }

    /// <summary>Wraps existing parameter tensors.</summary>
    public LinearLayer(string name, Tensor weight, Tensor? bias)
    {
        Name = name;
        Weight = weight;
        Bias = bias;
    }

    /// <summary>x (…, in) → (…, out); the adapter is added when present and <paramref name="ctx"/> enables adapters.</summary>
    public Tensor Forward(Tensor x, ForwardContext ctx)
    {
        var w = Weight.dtype == x.dtype ? Weight : Weight.to(x.dtype);
        var b = Bias is null ? null : Bias.dtype == x.dtype ? Bias : Bias.to(x.dtype);
        var y = linear(x, w, b); // (…, out)
        if (Lora is null || !ctx.AdaptersEnabled) return y;
        return y.add(Lora.Forward(x, ctx.Training, ctx.DropoutGenerator));
    }
}
