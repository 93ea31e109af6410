using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Reporting;
using DeclarativeSft.Runtime.Training;

namespace DeclarativeSft.Runtime.Tests.Training;

/// <summary>
/// Accumulating two micro-batches of B rows is the same optimizer step as one batch of the same 2B rows: the loss is
/// normalised by the trained tokens of the whole step, not per micro-batch. The rows carry different numbers of
/// trained tokens, so a per-micro-batch mean would give different gradients.
/// </summary>
public class GradientAccumulationTests
{
    private static (List<MetricsRecord> Log, Dictionary<string, double[]> Params) Run(string baseDir, string outDir, IReadOnlyList<PackedRow> rows, int micro, int accum)
    {
        TorchSharp.torch.set_num_threads(1);
        using var model = LlamaForCausalLM.FromPretrained(baseDir);
        var trainable = TrainableParameters.Configure(model, null, 0);
        var recipe = TrainerRecipe.Parse($$"""
            training: { epochs: 100, max_steps: 4, micro_batch_size: {{micro}}, gradient_accumulation_steps: {{accum}}, learning_rate: 5.0e-3, lr_scheduler: constant, weight_decay: 0.01, max_grad_norm: 0, seed: 2 }
            output: { dir: {{TrainerRecipe.Quote(outDir)}} }
            """);
        // The batch order depends on the seed and epoch only, so micro 2 × accum 2 and micro 4 × accum 1 see the same 4 rows per step.
        new Trainer(model, trainable, recipe, RunContext.None, new EpochBatcher(rows, micro, seed: 6), [], null, new PlainTrainingProgress(TextWriter.Null)).Run();
        return (MetricsLog.Read(Path.Combine(outDir, "metrics.jsonl")).Where(r => r.Loss is not null).ToList(), ReferenceRun.OurParams(trainable));
    }

    [Fact]
    public void Two_accumulated_micro_batches_equal_one_batch_of_the_same_rows()
    {
        using var dir = new TempFolder();
        var baseDir = TinySetup.Checkpoint(dir.Path, "llama", 51);
        var rows = TinySetup.Rows(8, 29);
        // Precondition: the trained-token counts differ between rows, else any normalisation would agree.
        var counts = rows.Select(r => r.Labels.Skip(1).Count(l => l != Labels.IgnoreIndex)).Distinct().Count();
        Assert.True(counts > 2, "rows should carry different numbers of trained tokens");

        var (accumulated, accParams) = Run(baseDir, dir["accumulated"], rows, micro: 2, accum: 2);
        var (single, singleParams) = Run(baseDir, dir["single"], rows, micro: 4, accum: 1);

        Assert.Equal(4, accumulated.Count);
        Assert.Equal(4, single.Count);
        for (int i = 0; i < 4; i++)
        {
            var (a, s) = (accumulated[i], single[i]);
            Assert.Equal(s.TrainedTokens, a.TrainedTokens);
            Assert.True(Math.Abs(a.Loss!.Value - s.Loss!.Value) < 1e-5, $"step {i + 1}: loss {a.Loss:R} accumulated vs {s.Loss:R} in one batch");
            // grad_norm is the norm of the full step's gradient, measured before the update.
            Assert.True(Math.Abs(a.GradNorm!.Value - s.GradNorm!.Value) < 1e-5 * s.GradNorm.Value,
                $"step {i + 1}: gradient norm {a.GradNorm:R} accumulated vs {s.GradNorm:R} in one batch");
        }
        double diff = ReferenceRun.MaxParamDifference(singleParams, accParams);
        Assert.True(diff < 1e-5, $"parameters after 4 steps differ by {diff:E2}");
    }
}
