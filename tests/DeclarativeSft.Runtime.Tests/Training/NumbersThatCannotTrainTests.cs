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
    /// <summary>Progress that poisons a base weight with NaN after <paramref name="afterStep"/> (0: before training).</summary>
    private sealed class Poison(Func<LlamaForCausalLM?> model, int afterStep) : ITrainingProgress
    {
        public void Step(int step, int totalSteps, double loss, double lr, double tokensPerSecond, TimeSpan eta)
        {
            if (step == afterStep) Spoil(model()!);
        }

        public void Message(string text) { }
    }

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
            RunOwnershipTests.Run(RunOwnershipTests.BaseDir, outDir, null, new Poison(() => model, 2), m => model = m));

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
}
