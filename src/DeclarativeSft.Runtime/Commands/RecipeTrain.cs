using System.Diagnostics;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Evaluation;
using DeclarativeSft.Runtime.Hosting;
using DeclarativeSft.Runtime.Reporting;
using DeclarativeSft.Runtime.Session;
using DeclarativeSft.Runtime.Training;
using DeclarativeSft.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Commands;

/// <summary>
/// <c>train</c> (the default command): plan → held-out score of the untrained model → training → held-out score of
/// the trained model → before/after table, sample generations → export → where everything was written.
/// </summary>
public static class RecipeTrain
{
    /// <summary>Trains the recipe; returns the exit code.</summary>
    public static int Run(RecipeSpec spec, RecipeRunOptions options, RecipeComponents components, TextWriter output, int? heldOutItems = null)
    {
        var clock = Stopwatch.StartNew();
        using var session = RecipeSession.Open(spec, options, components.Transform);
        var data = session.Data;
        var model = session.Model;
        var trainable = session.Trainable;
        output.WriteLine($"recipe {spec.Name}: training on {session.Device} ({torch.get_num_threads()} CPU threads), output {session.OutputDir}");
        output.WriteLine($"  torch    {TorchRuntime.Description}");
        output.WriteLine($"  model    {session.ModelDescription}");
        output.WriteLine($"  params   {trainable.Summary()}");
        var stats = data.TrainStats;
        output.WriteLine(FormattableString.Invariant(
            $"  data     {data.Mix.Plan.EpochSize} training examples per epoch in {stats.Rows} rows of {spec.Data.MaxSeqLen} tokens, useful tokens {stats.UsefulTokenFraction:P1}, trained tokens {stats.TrainedTokens:N0}; {data.Summary.ValidationExamples} validation examples"));
        if (session.DataFromCache)
            output.WriteLine($"  cache    tokenized rows read from {session.DataCacheFolder} (data, tokenizer, template and settings unchanged)");
        if (data.Mix.Tags.Count > 1)
            output.WriteLine("  mix      " + string.Join(", ", data.Mix.Tags.Select((tag, i) => FormattableString.Invariant(
                $"{tag} {data.Mix.Plan.Quotas[i]} of {data.Summary.TrainExamples[i]} per epoch{(spec.Data.Train[i].Weight is double w ? $" (weight {w:0.###}, {(double)data.Mix.Plan.Quotas[i] / data.Mix.Plan.EpochSize:P1})" : "")}"))));
        if (spec.Training.Precision == Precision.Bf16 && session.Device.type != DeviceType.CUDA)
            output.WriteLine("  note     training.precision bf16 applies on CUDA; on the CPU this run trains in fp32");
        if (spec.Data.MaxSeqLen > model.Config.MaxPositionEmbeddings)
            output.WriteLine($"  warning  data.max_seq_len {spec.Data.MaxSeqLen} is above the model's max_position_embeddings {model.Config.MaxPositionEmbeddings} (config.json): positions past it were never trained");
        if (data.Summary.Dropped > 0)
            output.WriteLine($"  note     {data.Summary.Dropped} examples longer than max_seq_len {spec.Data.MaxSeqLen} were dropped (data.truncation: drop)");

        var evaluation = session.CreateEvaluation(components.Evaluators, heldOutItems);
        bool isTerminal = !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out);
        var progress = new ProgressRelay(new TrainingProgressLines(output));
        var trainer = session.CreateTrainer(new HookedProgress(progress, components.Hooks));
        var t = spec.Training;
        output.WriteLine(FormattableString.Invariant(
            $"  steps    {trainer.TotalSteps} optimizer steps ({t.Epochs} epochs, micro-batch {t.MicroBatchSize} rows × accumulation {t.GradientAccumulationSteps}), lr {t.LearningRate:0.0##e+0} {RecipeNames.NameOf(RecipeNames.LrSchedulers, t.LrScheduler)}"));

        // One run per output folder (lock with our pid), leftovers of interrupted writes removed, the checkpoint to resume
        // checked against this run, an earlier run's files moved aside on a fresh start: all before anything is written.
        using var runLock = ProcessLock.Acquire(session.OutputDir);
        trainer.PrepareOutput();
        if (trainer.MovedAside is { } aside)
            output.WriteLine($"  note     the earlier run in {session.OutputDir} was moved to {aside}");
        if (trainer.ResumeFrom is { } latest
            && TrainerState.Load(Path.Combine(latest, CheckpointStore.StateFile)).Step >= trainer.TotalSteps)
            output.WriteLine($"already trained: {latest} is the final step. Pass --resume never (or another --output) to train again; showing its results.");
        HeldOutAnswers? Answer(string which, string file)
        {
            if (evaluation.HeldOutCount == 0) return null;
            output.WriteLine($"answering {evaluation.HeldOutCount} held-out prompts with the {which} model…");
            var answerClock = Stopwatch.StartNew();
            var answers = evaluation.Answer(model, Path.Combine(session.OutputDir, file));
            output.WriteLine(FormattableString.Invariant($"  answered in {answerClock.Elapsed.TotalSeconds:0.0} s"));
            return answers;
        }
        var answersBefore = Answer("untrained", "heldout-before.jsonl");

        var trainClock = Stopwatch.StartNew();
        var result = isTerminal
            ? SpectreTrainingProgress.Run(trainer.TotalSteps, p => { progress.Target = p; return trainer.Run(); })
            : trainer.Run();
        trainClock.Stop();

        var answersAfter = Answer("trained", "heldout-after.jsonl");
        // Scored after training: the untrained model's validation loss is the trainer's step-0 evaluation.
        var before = evaluation.Score(result.InitialValLoss, answersBefore);
        var after = evaluation.Score(result.FinalValLoss, answersAfter);

        output.WriteLine();
        output.WriteLine(FormattableString.Invariant($"trained {result.Steps}/{result.TotalSteps} steps, {result.TrainedTokens:N0} trained tokens, in {trainClock.Elapsed:m\\:ss}{(result.StoppedEarly ? " (early stopping)" : "")}"));
        ResultsTable.Write(output, spec, before, after);
        if (result.Samples.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("sample generations (greedy) after training:");
            foreach (var (prompt, completion) in result.Samples)
            {
                output.WriteLine($"  > {prompt}");
                foreach (var line in completion.Split('\n')) output.WriteLine($"    {line}");
            }
        }

        var exported = RecipeExport.Write(session, output);
        output.WriteLine();
        output.WriteLine("outputs:");
        if (result.LastCheckpoint is not null) output.WriteLine($"  checkpoint       {result.LastCheckpoint}");
        foreach (var name in new[] { "metrics.jsonl", "loss.svg", "samples.jsonl", "heldout-before.jsonl", "heldout-after.jsonl" })
        {
            var path = Path.Combine(session.OutputDir, name);
            if (File.Exists(path)) output.WriteLine($"  {name,-16} {path}");
        }
        foreach (var (kind, path) in exported) output.WriteLine($"  {kind,-16} {path}");
        output.WriteLine(FormattableString.Invariant($"done in {clock.Elapsed:m\\:ss} (training {trainClock.Elapsed:m\\:ss})"));
        return 0;
    }
}
