using DeclarativeSft.Torch;
using static DeclarativeSft.Torch.torch.nn.functional;

namespace DeclarativeSft.Runtime.Lora;

/// <summary>
/// The low-rank update of one frozen projection: y += s·B(A(dropout(x))) with A (r, in) and B (out, r) — PEFT's
/// layout, so ΔW = s·B·A (the seed's A·Bᵀ with the factors named the PEFT way). A gets PEFT's default
/// Kaiming-uniform init (a=√5, i.e. U(±1/√in)); B starts at zero, so the adapted model equals the base at step 0.
/// s = alpha/r, or alpha/√r with rsLoRA.
/// </summary>
public sealed class LoraAdapter
{
    /// <summary>Down-projection (r, in_features); trainable.</summary>
    public Tensor A { get; }
    /// <summary>Up-projection (out_features, r); trainable, zero at start.</summary>
    public Tensor B { get; }
    /// <summary>alpha/r or alpha/√r.</summary>
    public double Scaling { get; }
    /// <summary>Dropout probability on the adapter input.</summary>
    public double Dropout { get; }
    /// <summary>Rank r.</summary>
    public int Rank { get; }

    /// <summary>Creates fresh factors for a (out, in) projection, drawing A from <paramref name="generator"/>.</summary>
    public LoraAdapter(long inFeatures, long outFeatures, int rank, double scaling, double dropout, Generator generator, Device device)
    {
        Rank = rank;
        Scaling = scaling;
        Dropout = dropout;
        double bound = 1.0 / Math.Sqrt(inFeatures); // kaiming_uniform_(a=√5): gain·√(3/fan_in) = 1/√fan_in
        A = torch.uniform(-bound, bound, [rank, inFeatures], device: device, generator: generator).DetachFromDisposeScope();
        A.requires_grad = true;
        B = torch.zeros([outFeatures, rank], device: device).DetachFromDisposeScope();
        B.requires_grad = true;
    }

    /// <summary>The adapter's contribution for input x (…, in) → (…, out).</summary>
    public Tensor Forward(Tensor x, bool training, Generator? dropoutGenerator)
    {
        var h = Dropout > 0 && training ? dropout(x, Dropout, true, dropoutGenerator) : x; // (…, in)
        var down = linear(h, A.dtype == x.dtype ? A : A.to(x.dtype));                        // (…, r)
        var up = linear(down, B.dtype == x.dtype ? B : B.to(x.dtype));                       // (…, out)
        return up.mul(Scaling);
    }

    /// <summary>s·B·A (out, in): the update that merging adds to the base weight.</summary>
    public Tensor DeltaWeight() => torch.matmul(B, A).mul(Scaling);
}
