using System.Text.Json.Nodes;
using DeclarativeSft.Runtime.Commands;
using DeclarativeSft.Runtime.Hosting;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>
/// Every shipped recipe, run in-process exactly as its generated program runs it (RecipeCommands with the recipe's
/// parsed spec), for a few optimizer steps into a temporary folder: the run must succeed, lower the loss, and write
/// its outputs.
/// </summary>
public class RecipeTrainingTests
{
    [Theory]
    [InlineData("code-assistant", 10)]
    [InlineData("chat-lora", 10)]
    [InlineData("alpaca-instruct", 10)]
    [InlineData("custom-tokens", 10)]
    // A gentle full fine-tuning rate (5e-5) on a random-weights model: the training loss needs more steps to move.
    [InlineData("forgetting-safe", 30)]
    public void Recipe_trains_a_few_steps_and_its_loss_goes_down(string name, int steps)
    {
        var spec = ShippedRecipes.Load(ShippedRecipes.RecipePath(name));
        using var temp = new TempFolder();
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = RecipeCommands.Run(spec, new RecipeRunOptions(RecipeCommand.Train, MaxSteps: steps, Output: temp.Path), output, error, heldOutItems: 6,
            ShippedRecipes.Components(name));

        Assert.True(exit == 0, $"exit {exit}\nstderr: {error}\nstdout: {output}");
        var metrics = ReadMetrics(Path.Combine(temp.Path, "metrics.jsonl"));
        var train = metrics.Where(m => m["loss"] is not null).Select(m => (Step: (int)m["step"]!, Loss: (double)m["loss"]!)).ToList();
        var val = metrics.Where(m => m["val_loss"] is not null).Select(m => (Step: (int)m["step"]!, Loss: (double)m["val_loss"]!)).ToList();

        Assert.Equal(Enumerable.Range(1, steps), train.Select(t => t.Step));
        Assert.All(train, t => Assert.True(double.IsFinite(t.Loss) && t.Loss > 0, $"step {t.Step}: loss {t.Loss}"));
        // Training batches differ from step to step, so compare the last steps' mean with the first step (lr 0 there
        // under warmup: the untrained model's loss) …
        double lastMean = train.TakeLast(3).Average(t => t.Loss);
        Assert.True(lastMean < train[0].Loss, $"{name}: training loss did not go down: first {train[0].Loss:0.0000}, mean of last 3 {lastMean:0.0000}");
        // … and validation loss, which is measured on the same examples before and after, must drop too.
        Assert.Equal(0, val[0].Step);
        Assert.Equal(steps, val[^1].Step);
        Assert.True(val[^1].Loss < val[0].Loss, $"{name}: validation loss did not go down: {val[0].Loss:0.0000} → {val[^1].Loss:0.0000}");

        var checkpoint = Path.Combine(temp.Path, "checkpoints", $"step-{steps}");
        Assert.True(File.Exists(Path.Combine(checkpoint, "trainable.safetensors")), $"no final checkpoint in {checkpoint}");
        Assert.True(File.Exists(Path.Combine(checkpoint, "trainer_state.json")));
        Assert.True(new FileInfo(Path.Combine(temp.Path, "loss.svg")).Length > 0);
        var sampled = File.ReadLines(Path.Combine(temp.Path, "samples.jsonl")).Select(l => (string)JsonNode.Parse(l)!["prompt"]!).ToHashSet();
        Assert.Subset(sampled, spec.Eval.Samples.ToHashSet());
        if (spec.Output.Save.HasFlag(DeclarativeSft.Recipes.SaveKind.Adapter) && spec.Lora is not null)
            Assert.True(File.Exists(Path.Combine(temp.Path, "adapter", "adapter_config.json")));
        foreach (var folder in new[] { (DeclarativeSft.Recipes.SaveKind.Merged, "merged"), (DeclarativeSft.Recipes.SaveKind.Full, "full") })
            if (spec.Output.Save.HasFlag(folder.Item1))
                Assert.True(File.Exists(Path.Combine(temp.Path, folder.Item2, "config.json")), $"{folder.Item2}/config.json missing");

        // The printed summary is what a user reads: before/after validation loss as logged.
        var printed = output.ToString();
        Assert.Contains("validation loss", printed);
        Assert.Contains(val[0].Loss.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture), printed);
        Assert.Contains(val[^1].Loss.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture), printed);
    }

    private static List<JsonObject> ReadMetrics(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        return File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
    }
}
