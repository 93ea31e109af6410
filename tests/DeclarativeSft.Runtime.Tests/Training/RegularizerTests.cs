using System.Text.Json.Nodes;
using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Lora;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Training;

namespace DeclarativeSft.Runtime.Tests.Training;

/// <summary>
/// regularization.l2_to_base (λ·Σ‖θ−θ0‖² over the trained tensors) and regularization.kl_to_base
/// (β·KL(p_base ‖ p_θ) on trained positions, normalised like the cross-entropy; with LoRA the base is the model with
/// adapters disabled) against python/trainer_reference.py, which adds the same terms to a plain PyTorch loop written
/// from those formulas. Same checkpoint, same micro-batches, same initial factors: per-step losses and the final
/// trained tensors must agree. Each test also checks that the term visibly changes the reference's trajectory, so a
/// trainer that ignored it (or scaled it wrongly) would fail.
/// </summary>
public class RegularizerTests
{
    private const double LossTolerance = 2e-4; // the golden-loss test's tolerance
    private const double ParamTolerance = 2e-5;
    private const int Micro = 2, Accum = 2, Steps = 6, BatcherSeed = 4;
    private const double Lr = 3e-3, Wd = 0.05, Clip = 1.0;

    private static JsonObject Plan(IReadOnlyList<PackedRow> rows, double l2, double kl, JsonObject? lora, double lr) => new()
    {
        ["lr"] = lr, ["weight_decay"] = Wd, ["max_grad_norm"] = Clip, ["scheduler"] = "cosine", ["warmup_steps"] = 1,
        ["total_steps"] = Steps, ["l2_to_base"] = l2, ["kl_to_base"] = kl, ["lora"] = lora,
        ["steps"] = ReferenceRun.Steps(rows, Micro, BatcherSeed, Steps, Accum),
    };

    /// <summary>The recipe both runs share; <paramref name="lora"/> is its lora section, if any.</summary>
    private static RecipeSpec Recipe(string outDir, double l2, double kl, double lr, string lora = "") => TrainerRecipe.Parse(FormattableString.Invariant($$"""
        {{lora}}
        training: { epochs: 100, max_steps: {{Steps}}, micro_batch_size: {{Micro}}, gradient_accumulation_steps: {{Accum}}, learning_rate: {{lr:R}}, lr_scheduler: cosine, warmup_steps: 1, weight_decay: {{Wd:R}}, max_grad_norm: {{Clip:R}}, seed: 1 }
        regularization: { l2_to_base: {{l2:R}}, kl_to_base: {{kl:R}} }
        output: { dir: {{TrainerRecipe.Quote(outDir)}} }
        """));

    [Fact]
    public void L2_to_base_in_full_fine_tuning_matches_PyTorch_reference()
    {
        const double l2 = 2.0;
        using var dir = new TempFolder();
        var baseDir = TinySetup.Checkpoint(dir.Path, "llama", 31);
        var rows = TinySetup.Rows(10, 17);

        var (expected, expectedParams) = ReferenceRun.Python(baseDir, dir.Path, Plan(rows, l2, 0, null, Lr));
        var (_, withoutParams) = ReferenceRun.Python(baseDir, dir.Path, Plan(rows, 0, 0, null, Lr));
        double effect = ReferenceRun.MaxDifference(expectedParams, withoutParams);
        Assert.True(effect > 50 * ParamTolerance, $"l2_to_base={l2} moves the reference's parameters by only {effect:E2}: the test would not notice it missing");

        TorchSharp.torch.set_num_threads(1);
        using var model = LlamaForCausalLM.FromPretrained(baseDir);
        var trainable = TrainableParameters.Configure(model, null, 0);
        new Trainer(model, trainable, Recipe(dir["out"], l2, 0, Lr), RunContext.None, new EpochBatcher(rows, Micro, BatcherSeed), [], null,
            new PlainTrainingProgress(TextWriter.Null)).Run();

        ReferenceRun.AssertLossesMatch(expected, ReferenceRun.OurLosses(dir["out"]), LossTolerance);
        double diff = ReferenceRun.MaxParamDifference(expectedParams, ReferenceRun.OurParams(trainable));
        Assert.True(diff < ParamTolerance, $"final parameters differ from the reference by {diff:E2} (the regularizer's own effect is {effect:E2})");
    }

    [Theory]
    [InlineData(0.0, 3.0)]  // KL alone
    [InlineData(5.0, 3.0)]  // both terms, as the resume test configures them
    public void KlAndL2ToBaseWithLoraMatchPyTorchReference(double l2, double kl)
    {
        const double lr = 2e-2;
        using var dir = new TempFolder();
        var baseDir = TinySetup.Checkpoint(dir.Path, "qwen2", 32);
        var rows = TinySetup.Rows(10, 18);

        TorchSharp.torch.set_num_threads(1);
        using var model = LlamaForCausalLM.FromPretrained(baseDir);
        var recipe = Recipe(dir["out"], l2, kl, lr, "lora: { r: 4, alpha: 8, dropout: 0, target_modules: [q_proj, v_proj, up_proj] }");
        var spec = recipe.Lora!;
        LoraInjector.Apply(model, spec, seed: 7);
        var lora = ReferenceRun.Lora(model, spec);

        var (expected, expectedParams) = ReferenceRun.Python(baseDir, dir.Path, Plan(rows, l2, kl, (JsonObject)lora.DeepClone(), lr));
        var (_, withoutParams) = ReferenceRun.Python(baseDir, dir.Path, Plan(rows, 0, 0, (JsonObject)lora.DeepClone(), lr));
        double effect = ReferenceRun.MaxDifference(expectedParams, withoutParams);
        Assert.True(effect > 50 * ParamTolerance, $"the regularizers move the reference's factors by only {effect:E2}: the test would not notice them missing");

        var trainable = TrainableParameters.Configure(model, spec, 0);
        new Trainer(model, trainable, recipe, RunContext.None, new EpochBatcher(rows, Micro, BatcherSeed), [], null,
            new PlainTrainingProgress(TextWriter.Null)).Run();

        ReferenceRun.AssertLossesMatch(expected, ReferenceRun.OurLosses(dir["out"]), LossTolerance);
        double diff = ReferenceRun.MaxParamDifference(expectedParams, ReferenceRun.OurParams(trainable));
        Assert.True(diff < ParamTolerance, $"final LoRA factors differ from the reference by {diff:E2} (the regularizers' own effect is {effect:E2})");
    }
}
