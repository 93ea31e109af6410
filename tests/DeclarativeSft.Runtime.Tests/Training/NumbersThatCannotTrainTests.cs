using System.Text.Json.Nodes;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Reporting;
using DeclarativeSft.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Tests.Training;

/// <summary>
/// Numbers that cannot train (issue 10, item 5): a NaN/inf loss stops training at that step naming the step, the last
/// finite loss and the likely causes, without applying the step; impossible config.json values are errors naming
/// config.json and the key. (Long rows: LongSequenceTests.)
/// </summary>
public class NumbersThatCannotTrainTests
{
    /// <summary>Poisons a base weight with NaN.</summary>
    private static void Spoil(LlamaForCausalLM m)
    {
        using var noGrad = torch.no_grad();
        m.Parameter("model.layers.0.mlp.up_proj.weight").fill_(double.NaN);
    }

    [Fact]
    public void Nan_loss_stops_at_that_step_naming_the_last_finite_loss_and_causes()
    {
        using var dir = new TempFolder();
        LlamaForCausalLM? model = null;
        var outDir = dir["out"];

        var e = Assert.Throws<TrainingDivergedException>(() =>
            RunOwnershipTests.Run(RunOwnershipTests.BaseDir, outDir, null, new SpoilAfter(() => model, 2, Spoil), m => model = m));

        Assert.Contains("training stopped at step 3/12", e.Message);
        Assert.Contains("the loss is NaN", e.Message);
        Assert.Matches(@"last finite loss was \d+\.\d+ at step 2", e.Message);
        Assert.Contains("training.learning_rate", e.Message);
        Assert.Contains("max_grad_norm", e.Message);
        Assert.Contains("rms_norm_eps", e.Message);
        var records = MetricsLog.Read(Path.Combine(outDir, "metrics.jsonl")).Where(r => r.Lr is not null).ToList();
        Assert.Equal([1, 2, 3], records.Select(r => r.Step));
        Assert.All(records.Take(2), r => Assert.True(double.IsFinite(r.Loss!.Value)));
        Assert.Null(records[2].Loss); // the NaN is logged as null, and no step 4 follows
        Assert.False(Directory.Exists(Path.Combine(outDir, "checkpoints")), "a diverged step is never checkpointed");
    }

    [Fact]
    public void Nan_from_the_first_step_says_no_step_was_finite()
    {
        using var dir = new TempFolder();
        var e = Assert.Throws<TrainingDivergedException>(() =>
            RunOwnershipTests.Run(RunOwnershipTests.BaseDir, dir["out"], null, null, Spoil));

        Assert.Contains("step 1/12", e.Message);
        Assert.Contains("no step of this run had a finite loss", e.Message);
    }

    [Theory]
    [InlineData("rms_norm_eps", "0", "greater than 0")]
    [InlineData("rms_norm_eps", "-1e-5", "greater than 0")]
    [InlineData("rope_theta", "0", "greater than 0")]
    [InlineData("rope_theta", "-10000", "greater than 0")]
    [InlineData("hidden_size", "0", "at least 1")]
    [InlineData("num_hidden_layers", "-2", "at least 1")]
    [InlineData("intermediate_size", "0", "at least 1")]
    [InlineData("max_position_embeddings", "0", "at least 1")]
    [InlineData("vocab_size", "0", "at least 1")]
    public void Impossible_config_values_are_errors_naming_config_json_and_the_key(string key, string value, string must)
    {
        using var dir = new TempFolder();
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RunOwnershipTests.BaseDir, "config.json")))!.AsObject();
        config[key] = JsonNode.Parse(value);
        File.WriteAllText(dir["config.json"], config.ToJsonString());

        var e = Assert.Throws<ModelConfigException>(() => LlamaConfig.Load(dir.Path));

        Assert.Contains(dir["config.json"], e.Message);
        Assert.Contains($"'{key}'", e.Message);
        Assert.Contains(must, e.Message);
    }

    /// <summary>Progress that applies <paramref name="spoil"/> to the model after <paramref name="afterStep"/>.</summary>
    private sealed class SpoilAfter(Func<LlamaForCausalLM?> model, int afterStep, Action<LlamaForCausalLM> spoil) : ITrainingProgress
    {
        public void Step(int step, int totalSteps, double loss, double lr, double tokensPerSecond, TimeSpan eta)
        {
            if (step == afterStep) spoil(model()!);
        }

        public void Message(string text) { }
    }

    /// <summary>
    /// Makes every trained position's cross-entropy finite but near float32's largest value, so that a step's summed
    /// loss overflows to +inf while no logit is inf or NaN. The final norm's weight becomes 1 (so the normed hidden
    /// vector h has RMS 1 and 1 ≤ max|h_j| ≤ √C); the head maps h_j to ±<see cref="Huge"/>·h_j on two tokens no
    /// example targets (ids ≥ 100; TinySetup's targets are 1..60) and every other token to 0. Each target's
    /// cross-entropy is then about Huge·max|h_j| ∈ [4e37, 3.2e38], and a few of them sum past 3.4e38.
    /// </summary>
    private static void SpoilToInfinity(LlamaForCausalLM m)
    {
        using var noGrad = torch.no_grad();
        m.Parameter("model.norm.weight").fill_(1.0);
        var head = m.Parameter("lm_head.weight"); // (V, C)
        long vocab = head.size(0), hidden = head.size(1);
        Assert.True(100 + 2 * hidden <= vocab, "the tiny model's vocabulary has room for the poisoned rows");
        var values = new float[vocab * hidden];
        for (long j = 0; j < hidden; j++)
        {
            values[(100 + 2 * j) * hidden + j] = Huge;
            values[(101 + 2 * j) * hidden + j] = -Huge;
        }
        head.copy_(torch.tensor(values, [vocab, hidden]));
    }

    private const float Huge = 4e37f;

    [Fact]
    public void Infinite_loss_stops_at_that_step_naming_the_last_finite_loss()
    {
        using var dir = new TempFolder();
        LlamaForCausalLM? model = null;
        var outDir = dir["out"];

        var e = Assert.Throws<TrainingDivergedException>(() =>
            RunOwnershipTests.Run(RunOwnershipTests.BaseDir, outDir, null, new SpoilAfter(() => model, 2, SpoilToInfinity), m => model = m));

        Assert.Contains("training stopped at step 3/12", e.Message);
        Assert.Contains("the loss is Infinity", e.Message); // +inf, not NaN: the poisoning gives no NaN anywhere
        Assert.Matches(@"last finite loss was \d+\.\d+ at step 2", e.Message);
        Assert.Contains("the weights of step 3 were not applied", e.Message);
        Assert.Contains("training.learning_rate", e.Message);
        var records = MetricsLog.Read(Path.Combine(outDir, "metrics.jsonl")).Where(r => r.Lr is not null).ToList();
        Assert.Equal([1, 2, 3], records.Select(r => r.Step));
        Assert.All(records.Take(2), r => Assert.True(double.IsFinite(r.Loss!.Value)));
        Assert.Null(records[2].Loss); // logged as null (JSON has no inf), and no step 4 follows
        Assert.False(Directory.Exists(Path.Combine(outDir, "checkpoints")), "a diverged step is never checkpointed");
    }
}
