using DeclarativeSft.Data;
using System;
using System.Collections.Generic;
using System.Linq;

namespace DeclarativeSft.Recipes;

/// <summary>Checks that combine the recipe with what its data files hold (example counts → steps; duplicates and
/// format collapse across files).</summary>
public static class RecipeCrossChecks
{
    /// <summary>Diagnostics for <paramref name="parsed"/> given the results of checking its files.</summary>
    public static List<RecipeDiagnostic> Check(RecipeParseResult parsed, IEnumerable<FileCheckResult> files)
    {
        var result = new List<RecipeDiagnostic>();
        var spec = parsed.Spec;
        if (spec is null) return result;
        var mine = files.Where(f => f.RecipePath == spec.RecipePath).ToList();
        result.AddRange(DatasetQuality.CrossSourceDiagnostics(parsed, mine));
        var train = mine.Where(f => f.Kind == ReferencedFileKind.TrainData).ToList();
        // Counts are only meaningful when every training file was found and read.
        if (train.Count != spec.Data.Train.Count || train.Any(f => f.ExampleCount < 0)) return result;
        var map = parsed.Map;
        void Add(RecipeDiagnosticDescriptor d, SourcePosition at, params object?[] args) => result.Add(d.At(spec.RecipePath, at, args));

        // Per source, as the runtime splits: each source gives its own share to validation.
        var counts = spec.Data.Train.Select(src => (long)(train.FirstOrDefault(f => f.Path == src.Path)?.ExampleCount ?? 0)).ToArray();
        long n = counts.Sum();
        long nTrain = n;
        if (spec.Data.Validation?.Split is double split)
        {
            long nVal = (long)Math.Floor(n * split);
            nTrain = n - nVal;
            if (nVal == 0 || nTrain == 0)
            {
                Add(RecipeDiagnostics.EmptyValidation, map.ValueOf("data.validation.split"), RecipeRules.Num(split), n, 0, nVal == 0 ? "validation" : "training");
                return result;
            }
            for (int i = 0; i < counts.Length; i++) counts[i] -= Math.Max(1, (long)Math.Round(counts[i] * split, MidpointRounding.AwayFromZero));
        }
        if (nTrain == 0) return result;

        var t = spec.Training;
        long effective = (long)t.MicroBatchSize * t.GradientAccumulationSteps;
        if (effective > nTrain)
        {
            var at = map.Has("training.micro_batch_size") ? "training.micro_batch_size" : "training.gradient_accumulation_steps";
            Add(RecipeDiagnostics.BatchLargerThanData, map.ValueOf(at), effective, t.MicroBatchSize, t.GradientAccumulationSteps, nTrain);
            return result;
        }

        // Examples per epoch of the mix: the run's own rule (DeclarativeSft.Data's MixingPlan).
        long mixed = MixingPlan.Compute(counts.Select(c => (int)c).ToArray(), spec.Data.Train.Select(src => src.Weight).ToArray()).Sum(q => (long)q);
        long perEpoch = (mixed + effective - 1) / effective;
        long total = perEpoch * t.Epochs;
        var how = $"{t.Epochs} epoch(s) × {perEpoch} steps";
        if (t.MaxSteps is int cap && cap < total) { total = cap; how = "training.max_steps"; }
        long warmup = t.WarmupSteps ?? (long)Math.Ceiling((t.WarmupRatio ?? 0) * total);
        if (warmup > 0 && warmup >= total)
            Add(RecipeDiagnostics.WarmupTooLong, map.ValueOf(t.WarmupSteps is not null ? "training.warmup_steps" : "training.warmup_ratio"), warmup, total, how);
        return result;
    }
}
