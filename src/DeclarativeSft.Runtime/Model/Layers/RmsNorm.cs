using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Model.Layers;

/// <summary>RMSNorm as Llama computes it: normalise in float32, cast back, then scale by the weight.</summary>
public sealed class RmsNorm(string name, Tensor weight, double eps)
{
    /// <summary>Hugging Face module path; the parameter is <c>{Name}.weight</c>.</summary>
    public string Name { get; } = name;
    /// <summary>(dim) scale.</summary>
    public Tensor Weight { get; internal set; } = weight;
    /// <summary>Added to the mean square before the square root.</summary>
    public double Eps { get; } = eps;

    // TorchSharp turns a double argument into a native Scalar that only the finalizer frees; one per norm instead
    // of one per call.
    private readonly Scalar _eps = eps.ToScalar();

    /// <summary>x (…, dim) → (…, dim).</summary>
    public Tensor Forward(Tensor x)
    {
        var x32 = x.dtype == ScalarType.Float32 ? x : x.to(ScalarType.Float32); // (…, dim)
        // x·x, not square(): TorchSharp's square() is pow(2) through a temporary Scalar the finalizer may free mid-call.
        var inv = x32.mul(x32).mean([-1], keepdim: true).add(_eps).rsqrt();      // (…, 1)
        var normed = x32.mul(inv);                                               // (…, dim)
        if (normed.dtype != x.dtype) normed = normed.to(x.dtype);
        return normed.mul(Weight.dtype == x.dtype ? Weight : Weight.to(x.dtype));
    }
}
