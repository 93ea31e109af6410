using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Hosting;

namespace DeclarativeSft.Runtime;

/// <summary>
/// Placeholder until the training runtime lands (owned by the runtime work): prints what would run.
/// </summary>
public static class RecipeRunner
{
    /// <summary>Runs <paramref name="options"/>.Command for <paramref name="spec"/>; returns the exit code.</summary>
    public static int Run(RecipeSpec spec, RecipeRunOptions options)
    {
        Console.WriteLine($"recipe {spec.Name}: {options.Command}");
        Console.WriteLine($"  model: {spec.Model.Path ?? $"init {spec.Model.Init?.Preset}"}");
        Console.WriteLine($"  data: {string.Join(", ", spec.Data.Train)} ({spec.Data.Format})");
        Console.WriteLine($"  {(spec.Lora is null ? "full fine-tuning" : $"LoRA r={spec.Lora.R}")}, lr {spec.Training.LearningRate}");
        Console.WriteLine($"  output: {options.Output ?? spec.Output.Dir}");
        return 0;
    }
}
