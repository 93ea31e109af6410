using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DeclarativeSft.Recipes;

/// <summary>Checks that need only the recipe itself (no model, tokenizer or data files).</summary>
public static class RecipeRules
{
    /// <summary>Usual learning-rate ranges (from the SFT seeds: LoRA tolerates ~10× higher rates than full FT).</summary>
    public static readonly (double Min, double Max) LoraRange = (1e-5, 1e-3);
    public static readonly (double Min, double Max) FullRange = (1e-6, 1e-4);
    public static readonly (double Min, double Max) ScratchRange = (1e-5, 1e-2);

    /// <summary>Adds the recipe-only diagnostics for <paramref name="spec"/> to <paramref name="diagnostics"/>.</summary>
    public static void Check(RecipeSpec spec, RecipeSourceMap map, List<RecipeDiagnostic> diagnostics)
    {
        var path = spec.RecipePath;
        void Add(RecipeDiagnosticDescriptor d, SourcePosition at, params object?[] args) => diagnostics.Add(d.At(path, at, args));

        if (!spec.Mask.TrainEos)
            Add(RecipeDiagnostics.TrainEosOff, map.ValueOf("mask.train_eos"));

        var (range, what) = spec.Model.Init is not null ? (ScratchRange, "training from scratch")
            : spec.Lora is not null ? (LoraRange, "LoRA") : (FullRange, "full fine-tuning");
        var lr = spec.Training.LearningRate;
        if (map.Has("training.learning_rate") && (lr < range.Min || lr > range.Max))
            Add(RecipeDiagnostics.LearningRateUnusual, map.ValueOf("training.learning_rate"), Num(lr), $"[{Num(range.Min)}, {Num(range.Max)}]", what,
                lr > range.Max ? "Too high a rate can diverge or erase what the model knew; lower it." : "Too low a rate barely moves the weights; raise it.");

        if (spec.Training.Epochs > 3 && spec.Model.Init is null)
            Add(RecipeDiagnostics.TooManyEpochs, map.ValueOf("training.epochs"), spec.Training.Epochs);

        if (spec.Template.Format == TemplateFormat.Custom && spec.Template.AddSpecialTokens && spec.Lora is not null
            && (spec.Lora.ModulesToSave & (ModelModules.EmbedTokens | ModelModules.LmHead)) != (ModelModules.EmbedTokens | ModelModules.LmHead))
            Add(RecipeDiagnostics.NewTokensFrozenEmbeddings, map.ValueOf("template.add_special_tokens"));

        if (spec.Regularization.KlToBase > 0 && spec.Lora is null)
            Add(RecipeDiagnostics.KlToBaseNeedsLora, map.ValueOf("regularization.kl_to_base"), Num(spec.Regularization.KlToBase));

        if (spec.Data.Validation?.Path is { } validation
            && spec.Data.TrainPaths.Any(t => PathResolver.IsInside(t, validation) && PathResolver.IsInside(validation, t)))
            Add(RecipeDiagnostics.ValidationIsTrainingFile, map.ValueOf("data.validation.path"), validation);

        var output = spec.Output.Dir;
        var outputAt = map.ValueOf("output.dir");
        if (spec.Model.Path is not null && PathResolver.IsInside(output, spec.Model.Path))
            Add(RecipeDiagnostics.OutputInsideInputs, outputAt, output, "model", spec.Model.Path);
        else
        {
            var inputs = spec.Data.TrainPaths.Concat(new[] { spec.Data.Validation?.Path }).Where(p => p is not null);
            foreach (var dataFolder in inputs.Select(p => PathResolver.DirectoryOf(p!)).Distinct())
            {
                // A data file next to the recipe makes the recipe folder the "data folder": outputs there are fine.
                if (dataFolder.TrimEnd('/', '\\') == spec.RecipeDirectory.TrimEnd('/', '\\')) continue;
                if (PathResolver.IsInside(output, dataFolder))
                {
                    Add(RecipeDiagnostics.OutputInsideInputs, outputAt, output, "data", dataFolder);
                    break;
                }
            }
        }
    }

    internal static string Num(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
