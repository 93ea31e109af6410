using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Lora;

/// <summary>Attaches LoRA adapters to the projections a recipe's <c>lora.target_modules</c> names.</summary>
public static class LoraInjector
{
    /// <summary>Adds adapters to every projection in <paramref name="spec"/>'s targets (A drawn from a generator
    /// seeded with <paramref name="seed"/>, in layer order, so the init is reproducible); returns them by module path.</summary>
    public static IReadOnlyDictionary<string, LoraAdapter> Apply(LlamaForCausalLM model, LoraSpec spec, long seed)
    {
        if (spec.TargetModules == ModelModules.None)
            throw new ArgumentException("lora.target_modules is empty: name at least one of q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, or all-linear");
        var targets = RecipeNames.LinearModules.Where(m => (spec.TargetModules & m.Value) == m.Value).Select(m => m.Name).ToHashSet();
        using var gen = new Generator(unchecked((ulong)seed));
        var adapters = new Dictionary<string, LoraAdapter>(StringComparer.Ordinal);
        foreach (var (shortName, layer) in model.Projections())
        {
            if (!targets.Contains(shortName)) continue;
            var shape = layer.Weight.shape; // (out, in)
            layer.Lora = new LoraAdapter(shape[1], shape[0], spec.R, spec.Scaling, spec.Dropout, gen, model.Device);
            adapters[layer.Name] = layer.Lora;
        }
        return adapters;
    }

    /// <summary>Adds every adapter's ΔW = s·B·A into its base weight and removes the adapters (merge_and_unload).</summary>
    public static void MergeInto(LlamaForCausalLM model)
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, layer) in model.Projections())
        {
            if (layer.Lora is null) continue;
            using (var scope = torch.NewDisposeScope())
                layer.Weight.add_(layer.Lora.DeltaWeight().to(layer.Weight.dtype));
            layer.Lora = null;
        }
    }
}
