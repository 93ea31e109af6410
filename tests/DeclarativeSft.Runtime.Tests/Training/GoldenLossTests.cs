using System.Text.Json.Nodes;
using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Reporting;
using DeclarativeSft.Runtime.Training;

namespace DeclarativeSft.Runtime.Tests.Training;

/// <summary>
/// The loss sequence of a tiny seeded full fine-tuning run equals the one an independent plain-PyTorch implementation
/// (tests/oracles/python/trainer_reference.py without LoRA: torch.optim.AdamW, clip_grad_norm_, HF cosine-with-warmup) produces from the same
/// checkpoint and the same micro-batches. Packed rows, padding, accumulation and clipping are all exercised.
/// </summary>
public class GoldenLossTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Full_fine_tune_matches_PyTorch_reference(bool gradientCheckpointing)
    {
        using var dir = new TempFolder();
        var baseDir = TinySetup.Checkpoint(dir.Path, "qwen2", 4);
        var rows = TinySetup.Rows(12, 7);
        const int micro = 2, accum = 2, steps = 6, warmup = 2;
        const double lr = 3e-3, wd = 0.1, clip = 0.5;

        // The micro-batches the trainer will see, handed to the reference in the same order.
        var plan = new JsonObject
        {
            ["lr"] = lr, ["weight_decay"] = wd, ["max_grad_norm"] = clip, ["warmup_steps"] = warmup, ["total_steps"] = steps,
            ["steps"] = ReferenceRun.Steps(rows, micro, batcherSeed: 11, steps, accum),
        };
        var (expected, _) = ReferenceRun.Python(baseDir, dir.Path, plan);

        TorchSharp.torch.set_num_threads(1);
        using var model = LlamaForCausalLM.FromPretrained(baseDir);
        var trainable = TrainableParameters.Configure(model, null, 0);
        var recipe = TrainerRecipe.Parse(FormattableString.Invariant($$"""
            training: { epochs: 100, max_steps: {{steps}}, micro_batch_size: {{micro}}, gradient_accumulation_steps: {{accum}}, learning_rate: {{lr:R}}, lr_scheduler: cosine, warmup_steps: {{warmup}}, weight_decay: {{wd:R}}, max_grad_norm: {{clip:R}}, seed: 1, gradient_checkpointing: {{(gradientCheckpointing ? "true" : "false")}} }
            output: { dir: {{TrainerRecipe.Quote(dir["out"])}} }
            """));
        new Trainer(model, trainable, recipe, RunContext.None, new EpochBatcher(rows, micro, seed: 11), [], null, new PlainTrainingProgress(TextWriter.Null)).Run();
        ReferenceRun.AssertLossesMatch(expected, ReferenceRun.OurLosses(dir["out"]), 2e-4);
        // The run must actually learn, or matching would prove little.
        Assert.True(expected[^1] < expected[0] - 0.1, $"reference loss did not decrease: {string.Join(", ", expected)}");
        Assert.True(File.Exists(Path.Combine(dir["out"], "loss.svg")));
    }
}
