using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Model.Layers;

/// <summary>
/// Rotary position embedding in the Hugging Face "rotate half" layout (the first and second halves of each head
/// form the pairs — the layout HF checkpoints' q/k weights are permuted for). Angles come from explicit position
/// ids, so packed examples each start again at position 0.
/// </summary>
public sealed class RotaryEmbedding
{
    private readonly Tensor _invFreq; // (hd/2) float32

    /// <summary>Prepares the inverse frequencies of <paramref name="config"/> on <paramref name="device"/>.</summary>
    public RotaryEmbedding(LlamaConfig config, Device device)
    {
        _invFreq = torch.tensor(RotaryFrequencies.InverseFrequencies(config), device: device).DetachFromDisposeScope();
    }

    /// <summary>cos and sin for position ids (B, T) → each (B, 1, T, hd), in <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor Sin) CosSin(Tensor positionIds, ScalarType dtype)
    {
        var pos = positionIds.to(ScalarType.Float32).unsqueeze(-1);      // (B, T, 1)
        var freqs = pos.mul(_invFreq);                                    // (B, T, hd/2)
        var emb = torch.cat([freqs, freqs], -1);                          // (B, T, hd)
        var cos = emb.cos().unsqueeze(1);                                 // (B, 1, T, hd)
        var sin = emb.sin().unsqueeze(1);                                 // (B, 1, T, hd)
        if (dtype != ScalarType.Float32) { cos = cos.to(dtype); sin = sin.to(dtype); }
        return (cos, sin);
    }

    /// <summary>x·cos + rotate_half(x)·sin for x (B, H, T, hd).</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        long half = x.size(-1) / 2;
        var x1 = x.narrow(-1, 0, half);                 // (B, H, T, hd/2)
        var x2 = x.narrow(-1, half, half);              // (B, H, T, hd/2)
        var rotated = torch.cat([x2.neg(), x1], -1);    // (B, H, T, hd)
        return x.mul(cos).add(rotated.mul(sin));
    }
}
