using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Model;

/// <summary>Per-call switches of a forward pass.</summary>
/// <param name="Training">Dropout active (LoRA dropout).</param>
/// <param name="AdaptersEnabled">False computes the base model's output with the same weights (kl_to_base, merge checks).</param>
/// <param name="DropoutGenerator">Generator for dropout masks (null: libtorch's default generator).</param>
public sealed record ForwardContext(bool Training, bool AdaptersEnabled = true, Generator? DropoutGenerator = null)
{
    /// <summary>Inference with adapters.</summary>
    public static readonly ForwardContext Eval = new(false);

    /// <summary>Inference of the base model: adapters off (kl_to_base's reference distribution).</summary>
    public static readonly ForwardContext BaseModel = new(false, AdaptersEnabled: false);
}
