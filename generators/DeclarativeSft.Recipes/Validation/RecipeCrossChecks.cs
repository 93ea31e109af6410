using System;
using System.Collections.Generic;
using System.Linq;

namespace DeclarativeSft.Recipes;

/// <summary>Checks that combine the recipe with what its data files hold (example counts → steps).</summary>
public static class RecipeCrossChecks
{
    /// <summary>Diagnostics for <paramref name="parsed"/> given the results of checking its files.</summary>
    public static List<RecipeDiagnostic> Check(RecipeParseResult parsed, IEnumerable<FileCheckResult> files)
    {
        var result = new List<RecipeDiagnostic>();
        var spec = parsed.Spec;
        if (spec is null) return result;
        var mine = files.Where(f => f.RecipePath == spec.RecipePath).ToList();
        var train = mine.Where(f => f.Kind == ReferencedFileKind.TrainData).ToList();
        // Counts are only meaningful when every training file was found and read.
        if (train.Count != spec.Data.Train.Count || train.Any(f => f.ExampleCount < 0)) return result;
        var map = parsed.Map;
        void Add(RecipeDiagnosticDescriptor d, SourcePosition at, params object?[] args) => result.Add(d.At(spec.RecipePath, at, args));

        long n = train.Sum(f => (long)f.ExampleCount);
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

        long mixed = nTrain;
        if (spec.Data.Replay is { } replay && replay.Ratio < 1)
        {
            var replayFile = mine.FirstOrDefault(f => f.Kind == ReferencedFileKind.ReplayData);
            long wanted = (long)Math.Round(nTrain * replay.Ratio / (1 - replay.Ratio));
            mixed += replayFile is { ExampleCount: >= 0 } ? Math.Min(wanted, replayFile.ExampleCount) : 0;
        }
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
