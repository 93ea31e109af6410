using System.Text.Json.Nodes;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Lora;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Tests.Training;
using DeclarativeSft.Runtime.Training;
using DeclarativeSft.Data;

namespace DeclarativeSft.Runtime.Tests.Lora;

/// <summary>
/// The loss sequence and the final factors of a tiny seeded LoRA run equal those of python/trainer_reference.py, which
/// trains W + s·B·A (s = alpha/r, or alpha/√r with rsLoRA) for the targeted projections only, from the same initial A
/// and B = 0, with torch.optim.AdamW, clip_grad_norm_ and HF's cosine-with-warmup. Dropout is 0 so the run is deterministic.
/// </summary>
public class LoraGoldenLossTests
{
    [Theory]
    [InlineData("llama", false, "q,v")]
    [InlineData("llama", true, "q,v")]
    [InlineData("qwen3", true, "k,o,gate,down")]
    public void LoRA_run_matches_PyTorch_reference(string variant, bool rslora, string targets)
    {
        const int micro = 2, accum = 2, steps = 6, batcherSeed = 9, rank = 4;
        const double alpha = 8, lr = 2e-2, wd = 0.01, clip = 1.0;
        using var dir = new TempFolder();
        var baseDir = TinySetup.Checkpoint(dir.Path, variant, 41);
        var rows = TinySetup.Rows(12, 23);

        TorchSharp.torch.set_num_threads(1);
        using var model = LlamaForCausalLM.FromPretrained(baseDir);
        var recipe = TrainerRecipe.Parse(FormattableString.Invariant($$"""
            lora: { r: {{rank}}, alpha: {{alpha}}, dropout: 0, use_rslora: {{(rslora ? "true" : "false")}}, target_modules: [{{string.Join(", ", targets.Split(',').Select(t => t + "_proj"))}}] }
            training: { epochs: 100, max_steps: {{steps}}, micro_batch_size: {{micro}}, gradient_accumulation_steps: {{accum}}, learning_rate: {{lr:R}}, lr_scheduler: cosine, warmup_steps: 1, weight_decay: {{wd:R}}, max_grad_norm: {{clip:R}}, seed: 1 }
            output: { dir: {{TrainerRecipe.Quote(dir["out"])}} }
            """));
        var spec = recipe.Lora!;
        LoraInjector.Apply(model, spec, seed: 3);
        var plan = new JsonObject
        {
            ["lr"] = lr, ["weight_decay"] = wd, ["max_grad_norm"] = clip, ["scheduler"] = "cosine", ["warmup_steps"] = 1,
            ["total_steps"] = steps, ["lora"] = ReferenceRun.Lora(model, spec),
            ["steps"] = ReferenceRun.Steps(rows, micro, batcherSeed, steps, accum),
        };
        var (expected, expectedParams) = ReferenceRun.Python(baseDir, dir.Path, plan);

        var trainable = TrainableParameters.Configure(model, spec, 0);
        new Trainer(model, trainable, recipe, RunContext.None, new EpochBatcher(rows, micro, batcherSeed), [], null, new PlainTrainingProgress(TextWriter.Null)).Run();

        ReferenceRun.AssertLossesMatch(expected, ReferenceRun.OurLosses(dir["out"]), 2e-4);
        // Only the factors of the targeted projections train, and they end where the reference's do.
        Assert.Equal(2 * model.Config.NumHiddenLayers * targets.Split(',').Length, trainable.Trainable.Count);
        double diff = ReferenceRun.MaxParamDifference(expectedParams, ReferenceRun.OurParams(trainable));
        Assert.True(diff < 2e-5, $"final LoRA factors differ from the reference by {diff:E2}");
        // The run must actually learn, or matching would prove little: the second epoch (steps 4-6, the same rows in
        // another order) has a lower mean loss than the first.
        Assert.True(expected.Skip(3).Average() < expected.Take(3).Average() - 0.05, $"reference loss did not decrease: {string.Join(", ", expected)}");
    }
}
