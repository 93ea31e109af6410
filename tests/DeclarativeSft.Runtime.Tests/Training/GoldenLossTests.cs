using System.Text.Json;
using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Reporting;
using DeclarativeSft.Runtime.Tests.Oracles;
using DeclarativeSft.Runtime.Training;

namespace DeclarativeSft.Runtime.Tests.Training;

/// <summary>
/// The loss sequence of a tiny seeded full fine-tuning run equals the one an independent plain-PyTorch implementation
/// (python/train_reference.py: torch.optim.AdamW, clip_grad_norm_, HF cosine-with-warmup) produces from the same
/// checkpoint and the same micro-batches. Packed rows, padding, accumulation and clipping are all exercised.
/// </summary>
public class GoldenLossTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FullFineTuneMatchesPyTorchReference(bool gradientCheckpointing)
    {
        using var dir = new TempDir();
        var baseDir = TinySetup.Checkpoint(dir.Path, "qwen2", 4);
        var rows = TinySetup.Rows(12, 7);
        const int micro = 2, accum = 2, steps = 6, warmup = 2;
        const double lr = 3e-3, wd = 0.1, clip = 0.5;

        // The micro-batches the trainer will see, handed to the reference in the same order.
        var batcher = new EpochBatcher(rows, micro, seed: 11);
        var plan = new List<List<List<object>>>();
        var cursor = DataCursor.Start;
        for (int s = 0; s < steps; s++)
        {
            var step = new List<List<object>>();
            for (int k = 0; k < accum; k++)
            {
                var mb = batcher.At(cursor);
                cursor = mb.Next;
                step.Add(mb.Rows.Select(r => (object)new { input_ids = r.InputIds, labels = r.Labels, position_ids = r.PositionIds, segment_ids = r.SegmentIds }).ToList());
            }
            plan.Add(step);
        }
        var planPath = dir["plan.json"];
        File.WriteAllText(planPath, JsonSerializer.Serialize(new { lr, weight_decay = wd, max_grad_norm = clip, warmup_steps = warmup, total_steps = steps, steps = plan }));
        var expected = JsonSerializer.Deserialize<double[]>(PythonOracle.Run("train_reference.py", "train", baseDir, planPath))!;

        TorchSharp.torch.set_num_threads(1);
        using var model = LlamaForCausalLM.FromPretrained(baseDir);
        var trainable = TrainableParameters.Configure(model, null, 0);
        var recipe = TrainerRecipe.Parse(FormattableString.Invariant($$"""
            training: { epochs: 100, max_steps: {{steps}}, micro_batch_size: {{micro}}, gradient_accumulation_steps: {{accum}}, learning_rate: {{lr:R}}, lr_scheduler: cosine, warmup_steps: {{warmup}}, weight_decay: {{wd:R}}, max_grad_norm: {{clip:R}}, seed: 1, gradient_checkpointing: {{(gradientCheckpointing ? "true" : "false")}} }
            output: { dir: {{TrainerRecipe.Quote(dir["out"])}} }
            """));
        new Trainer(model, trainable, recipe, RunContext.None, new EpochBatcher(rows, micro, seed: 11), [], null, new PlainTrainingProgress(TextWriter.Null)).Run();
        var got = MetricsLog.Read(Path.Combine(dir["out"], "metrics.jsonl")).Where(r => r.Loss is not null).Select(r => r.Loss!.Value).ToArray();

        Assert.Equal(steps, got.Length);
        for (int i = 0; i < steps; i++)
            Assert.True(Math.Abs(got[i] - expected[i]) < 2e-4, $"step {i + 1}: ours {got[i]:R}, PyTorch {expected[i]:R}\nours: {string.Join(", ", got)}\nref:  {string.Join(", ", expected)}");
        // The run must actually learn, or matching would prove little.
        Assert.True(expected[^1] < expected[0] - 0.1, $"reference loss did not decrease: {string.Join(", ", expected)}");
        Assert.True(File.Exists(Path.Combine(dir["out"], "loss.svg")));
    }
}
