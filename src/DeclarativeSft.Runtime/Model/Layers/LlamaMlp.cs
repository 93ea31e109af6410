using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace DeclarativeSft.Runtime.Model.Layers;

/// <summary>SwiGLU feed-forward: down(silu(gate(x)) · up(x)).</summary>
public sealed class LlamaMlp(LinearLayer gate, LinearLayer up, LinearLayer down)
{
    public LinearLayer GateProj { get; } = gate;
    public LinearLayer UpProj { get; } = up;
    public LinearLayer DownProj { get; } = down;

    /// <summary>x (B, T, C) → (B, T, C).</summary>
    public Tensor Forward(Tensor x, ForwardContext ctx)
    {
        var g = silu(GateProj.Forward(x, ctx)); // (B, T, F)
        var u = UpProj.Forward(x, ctx);         // (B, T, F)
        return DownProj.Forward(g.mul(u), ctx); // (B, T, C)
    }
}
