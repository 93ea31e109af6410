using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Reporting;
using DeclarativeSft.Runtime.Training;

namespace DeclarativeSft.Runtime.Tests.Training;

/// <summary>
/// eval.early_stopping_patience: the run stops after `patience` consecutive evaluations whose validation loss does not
/// improve on the best so far, writes a final checkpoint there, and metrics.jsonl shows every evaluation.
/// </summary>
public class EarlyStoppingTests
{
    private static (TrainingResult Result, List<MetricsRecord> Log) Run(string baseDir, string outDir, double lr, int patience, int evalEvery, int maxSteps,
        IReadOnlyList<PackedRow> train, IReadOnlyList<PackedRow> validation)
    {
        TorchSharp.torch.set_num_threads(1);
        using var model = LlamaForCausalLM.FromPretrained(baseDir);
        var trainable = TrainableParameters.Configure(model, null, 0);
        var recipe = TrainerRecipe.Parse($$"""
            training: { epochs: 1000, max_steps: {{maxSteps}}, micro_batch_size: 2, lr_scheduler: constant, max_grad_norm: 1.0, seed: 4 }
            eval: { every_steps: {{evalEvery}}, early_stopping_patience: {{patience}} }
            output: { dir: {{TrainerRecipe.Quote(outDir)}} }
            """);
        // A recipe cannot say learning_rate 0 (the parser wants it in (0, 1]); the flat-loss case sets it here.
        recipe = recipe with { Training = recipe.Training with { LearningRate = lr } };
        var result = new Trainer(model, trainable, recipe, RunContext.None, new EpochBatcher(train, 2, seed: 3), validation, null, new PlainTrainingProgress(TextWriter.Null)).Run();
        return (result, MetricsLog.Read(Path.Combine(outDir, "metrics.jsonl")));
    }

    /// <summary>A learning rate of 0 leaves the weights unchanged, so no evaluation can improve on the first one:
    /// with evaluation every 2 steps and patience 3 the run must end at step 6 — known without running our code.</summary>
    [Fact]
    public void Flat_validation_loss_stops_after_patience_evaluations()
    {
        using var dir = new TempFolder();
        var baseDir = TinySetup.Checkpoint(dir.Path, "tied", 61);
        var (result, log) = Run(baseDir, dir["out"], lr: 0, patience: 3, evalEvery: 2, maxSteps: 40, TinySetup.Rows(6, 3), TinySetup.Rows(4, 4));

        Assert.True(result.StoppedEarly);
        Assert.Equal(6, result.Steps);
        Assert.Equal(40, result.TotalSteps);
        Assert.Equal([0, 2, 4, 6], log.Where(r => r.ValLoss is not null).Select(r => r.Step));
        Assert.Equal(6, log.Max(r => r.Step)); // nothing trained after the stop
        Assert.Equal(Enumerable.Range(1, 6), log.Where(r => r.Loss is not null).Select(r => r.Step));
        Assert.Equal(Path.Combine(dir["out"], "checkpoints", "step-6"), result.LastCheckpoint);
        Assert.True(Directory.Exists(result.LastCheckpoint));
    }

    /// <summary>A real run that overfits: training rows differ from the validation rows and the rate is high, so the
    /// validation loss first falls and then stops improving. Where the run stops is derived from its own metrics.jsonl
    /// by the rule (the first evaluation that is the patience-th in a row without a new best), so the test checks the
    /// stopping logic against whatever curve the run produced.</summary>
    [Fact]
    public void Stops_at_the_first_evaluation_that_exhausts_patience()
    {
        const int patience = 2, evalEvery = 2, maxSteps = 60;
        using var dir = new TempFolder();
        var baseDir = TinySetup.Checkpoint(dir.Path, "tied", 62);
        var (result, log) = Run(baseDir, dir["out"], lr: 3e-2, patience, evalEvery, maxSteps, TinySetup.Rows(4, 5), TinySetup.Rows(6, 6));

        var evals = log.Where(r => r.ValLoss is not null).ToList();
        Assert.Equal(0, evals[0].Step);
        Assert.Equal(Enumerable.Range(0, evals.Count).Select(i => i * evalEvery), evals.Select(r => r.Step)); // every evaluation is logged
        double best = evals[0].ValLoss!.Value;
        int without = 0, expectedStop = -1;
        foreach (var e in evals.Skip(1))
        {
            if (e.ValLoss!.Value < best) { best = e.ValLoss.Value; without = 0; }
            else if (++without >= patience) { expectedStop = e.Step; break; }
        }
        Assert.True(expectedStop > 0, $"the scenario must overfit within {maxSteps} steps: validation losses {string.Join(", ", evals.Select(e => e.ValLoss))}");
        Assert.True(evals.Skip(1).Any(e => e.ValLoss < evals[0].ValLoss), "validation loss should improve at first, so the best is not simply the initial one");
        Assert.True(result.StoppedEarly, "the run did not report stopping early");
        Assert.Equal(expectedStop, result.Steps);
        Assert.Equal(expectedStop, log.Max(r => r.Step));
        Assert.Equal(evals[^1].Step, expectedStop);
    }
}
