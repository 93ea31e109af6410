using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Lora;
using DeclarativeSft.Runtime.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Training;

/// <summary>
/// Which tensors the optimizer updates, by name: LoRA factors (plus <c>modules_to_save</c>) or, for full
/// fine-tuning, every parameter outside the first <c>freeze_layers</c> decoder layers. Everything else gets
/// requires_grad = false so autograd neither computes nor stores its gradient.
/// </summary>
public sealed class TrainableParameters
{
    /// <summary>Trainable parameters by name (TorchSharp <see cref="Parameter"/>s, what its optimizers take; LoRA factors as <c>{module}.lora_A.weight</c> / <c>.lora_B.weight</c>), in a fixed order.</summary>
    public IReadOnlyList<(string Name, Parameter Tensor)> Trainable { get; }
    /// <summary>All parameters of the model including adapters (tied head counted once).</summary>
    public long TotalCount { get; }
    /// <summary>Elements in <see cref="Trainable"/>.</summary>
    public long TrainableCount { get; }

    private TrainableParameters(List<(string, Parameter)> trainable, long total)
    {
        Trainable = trainable;
        TotalCount = total;
        TrainableCount = trainable.Sum(t => t.Item2.numel());
    }

    /// <summary>Marks and collects trainable parameters. With <paramref name="lora"/> non-null, adapters must already be attached.</summary>
    public static TrainableParameters Configure(LlamaForCausalLM model, LoraSpec? lora, int freezeLayers)
    {
        var trainable = new List<(string, Parameter)>();
        long total = 0;
        var saveNames = lora is null ? [] : RecipeNames.ModuleNames(lora.ModulesToSave).ToHashSet();
        foreach (var (name, t) in model.NamedParameters())
        {
            total += t.numel();
            bool train;
            if (lora is not null)
                train = (saveNames.Contains("embed_tokens") && name == "model.embed_tokens.weight")
                     || (saveNames.Contains("lm_head") && (name == "lm_head.weight" || (model.Config.TieWordEmbeddings && name == "model.embed_tokens.weight")));
            else
                train = LayerIndex(name) is not { } layer || layer >= freezeLayers;
            t.requires_grad = train;
            if (train) trainable.Add((name, t));
        }
        foreach (var (_, layer) in model.Projections())
        {
            if (layer.Lora is not { } a) continue;
            total += a.A.numel() + a.B.numel();
            trainable.Add((layer.Name + ".lora_A.weight", a.A));
            trainable.Add((layer.Name + ".lora_B.weight", a.B));
        }
        return new TrainableParameters(trainable, total);
    }

    /// <summary>"trainable params: 1,234 || all params: 5,678 || trainable%: 21.73" (PEFT's wording).</summary>
    public string Summary() =>
        $"trainable params: {TrainableCount:N0} || all params: {TotalCount:N0} || trainable%: {100.0 * TrainableCount / Math.Max(1, TotalCount):0.0000}";

    private static int? LayerIndex(string name)
    {
        const string prefix = "model.layers.";
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return null;
        int end = name.IndexOf('.', prefix.Length);
        return int.Parse(name.AsSpan(prefix.Length, end - prefix.Length));
    }
}
