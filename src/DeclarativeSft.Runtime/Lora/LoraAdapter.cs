using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

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
    public Parameter A { get; }
    /// <summary>Up-projection (out_features, r); trainable, zero at start.</summary>
    public Parameter B { get; }
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
        _scaling = scaling.ToScalar();
        double bound = 1.0 / Math.Sqrt(inFeatures); // kaiming_uniform_(a=√5): gain·√(3/fan_in) = 1/√fan_in
        // Drawn on the CPU (TorchSharp generators are CPU generators), then moved: the same init on every device.
        var a = torch.empty([rank, inFeatures]).uniform_(-bound, bound, generator);
        if (device.type != DeviceType.CPU)
        {
            var moved = a.to(device);
            a.Dispose();
            a = moved;
        }
        A = new Parameter(a, requires_grad: true);
        A.DetachFromDisposeScope();
        B = new Parameter(torch.zeros([outFeatures, rank], device: device), requires_grad: true);
        B.DetachFromDisposeScope();
    }

    private readonly Scalar _scaling; // one native Scalar for the adapter's life, not one per forward

    /// <summary>The adapter's contribution for input x (…, in) → (…, out).</summary>
    public Tensor Forward(Tensor x, bool training, Generator? dropoutGenerator)
    {
        var h = Dropout > 0 && training ? LoraDropout.Apply(x, Dropout, dropoutGenerator) : x; // (…, in)
        var down = linear(h, A.dtype == x.dtype ? A : A.to(x.dtype));                        // (…, r)
        var up = linear(down, B.dtype == x.dtype ? B : B.to(x.dtype));                       // (…, out)
        return up.mul(_scaling);
    }

    /// <summary>s·B·A (out, in): the update that merging adds to the base weight.</summary>
    public Tensor DeltaWeight() => torch.mm(B, A).mul(_scaling); // mm: TorchSharp 0.107's matmul aborts the process on a shape error
}

/// <summary>
/// Inverted dropout drawn from an explicit generator, so a seeded run is reproducible and resumable (and the
/// per-layer recomputation of gradient checkpointing can replay the masks): x · bernoulli(1−p) / (1−p).
/// TorchSharp's functional dropout takes no generator. The mask is drawn on the CPU, where TorchSharp's generators
/// live, and moved to x's device.
/// </summary>
public static class LoraDropout
{
    /// <summary>Dropout of <paramref name="x"/> with probability <paramref name="p"/> (default generator when null).</summary>
    public static Tensor Apply(Tensor x, double p, Generator? generator)
    {
        if (p < 0.0 || p > 1.0) throw new ArgumentOutOfRangeException(nameof(p), $"dropout probability has to be between 0 and 1, but got {p}");
        using var scope = torch.NewDisposeScope();
        if (p == 1.0) return x.mul(0.0).MoveToOuterDisposeScope();
        using var keepScale = (1.0 / (1.0 - p)).ToScalar();
        var keep = torch.empty(x.shape, x.dtype).bernoulli_(1.0 - p, generator); // drawn on the CPU
        if (x.device.type != DeviceType.CPU) keep = keep.to(x.device);
        return x.mul(keep).mul(keepScale).MoveToOuterDisposeScope();
    }
}
