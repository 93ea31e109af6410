using System.Text.Json.Nodes;
using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Commands;
using DeclarativeSft.Runtime.Hosting;
using DeclarativeSft.Runtime.Reporting;
using DeclarativeSft.Runtime.Session;
using DeclarativeSft.Runtime.Training;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>
/// A two-source recipe — forgetting-safe's dates (weight 0.8) and general (weight 0.2) — run as its program runs it:
/// realized shares, per-tag losses in metrics.jsonl and loss.svg, and a resumed run that continues the sampler exactly.
/// </summary>
public class MixedSourcesTests
{
    private static RecipeSpec TwoSources(int microBatch = 8)
    {
        var spec = ShippedRecipes.Load(ShippedRecipes.RecipePath("forgetting-safe"));
        var sources = spec.Data.Train.ToArray();
        Assert.Equal(["dates", "general"], sources.Select(s => s.Tag));
        return spec with
        {
            Data = spec.Data with { Train = EquatableArray.Of(sources[0] with { Weight = 0.8 }, sources[1] with { Weight = 0.2 }) },
            Training = spec.Training with { MicroBatchSize = microBatch },
            Eval = spec.Eval with { EverySteps = 4, Samples = EquatableArray<string>.Empty },
            Output = spec.Output with { CheckpointEverySteps = 10 },
        };
    }

    [Fact]
    public void Weights_08_02_are_realized_within_two_percent_in_every_epoch_of_the_recipe()
    {
        var spec = TwoSources();
        using var temp = new TempFolder();
        using var session = RecipeSession.Open(spec, new RecipeRunOptions(RecipeCommand.Train, Output: temp.Path));
        var batcher = new EpochBatcher(session.Data.Mix, spec.Training.MicroBatchSize);
        for (int epoch = 0; epoch < spec.Training.Epochs; epoch++)
        {
            var perTag = new int[2];
            for (int b = 0; b < batcher.BatchesIn(epoch); b++)
                foreach (var row in batcher.At(new DataCursor(epoch, b)).Rows)
                    perTag[row.TagAt(0)]++; // unpacked: one example per row
            double total = perTag.Sum();
            Assert.InRange(perTag[0] / total, 0.78, 0.82);
            Assert.InRange(perTag[1] / total, 0.18, 0.22);
        }
    }

    [Fact]
    public void Per_tag_training_and_validation_losses_are_logged_and_plotted()
    {
        var spec = TwoSources();
        using var temp = new TempFolder();
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = RecipeCommands.Run(spec, new RecipeRunOptions(RecipeCommand.Train, MaxSteps: 8, Output: temp.Path), output, error, heldOutItems: 0);

        Assert.True(exit == 0, $"exit {exit}\nstderr: {error}\nstdout: {output}");
        Assert.Contains("mix      dates", output.ToString());
        var lines = File.ReadLines(Path.Combine(temp.Path, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var trainLines = lines.Where(l => l["loss"] is not null).ToList();
        Assert.Equal(8, trainLines.Count);
        foreach (var l in trainLines)
        {
            var byTag = l["loss_by_tag"]!.AsObject();
            Assert.Equal(["dates", "general"], byTag.Select(p => p.Key).Order());
            // The overall loss is the token-weighted mean of the per-tag losses, so it lies between them.
            double loss = (double)l["loss"]!, a = (double)byTag["dates"]!, b = (double)byTag["general"]!;
            Assert.InRange(loss, Math.Min(a, b) - 1e-6, Math.Max(a, b) + 1e-6);
        }
        var valLines = lines.Where(l => l["val_loss"] is not null).ToList();
        Assert.Equal([0, 4, 8], valLines.Select(l => (int)l["step"]!));
        foreach (var l in valLines)
        {
            var byTag = l["val_loss_by_tag"]!.AsObject();
            Assert.Equal(["dates", "general"], byTag.Select(p => p.Key).Order());
            double loss = (double)l["val_loss"]!, a = (double)byTag["dates"]!, b = (double)byTag["general"]!;
            Assert.InRange(loss, Math.Min(a, b) - 1e-6, Math.Max(a, b) + 1e-6);
        }
        var svg = File.ReadAllText(Path.Combine(temp.Path, "loss.svg"));
        Assert.Contains("validation · general", svg);
        Assert.Contains("train · dates", svg);
    }

    [Fact]
    public void A_stopped_run_resumes_the_sampler_exactly_across_an_epoch_boundary()
    {
        // 16 rows per micro-batch: an epoch (270 dates + 68 general) is 22 batches, so 30 steps cross into epoch 1,
        // whose general examples are a new draw. Stop at step 15, resume from the checkpoint at step 10.
        var two = TwoSources(microBatch: 16);
        var spec = two with { Training = two.Training with { MaxSteps = 30 }, Eval = two.Eval with { Samples = EquatableArray<string>.Empty } };
        using var temp = new TempFolder();
        List<string> Run(string output, int? stopAfter)
        {
            using var session = RecipeSession.Open(spec, new RecipeRunOptions(RecipeCommand.Train, Output: output));
            session.CreateTrainer(new PlainTrainingProgress(TextWriter.Null), stopAfterSteps: stopAfter).Run();
            return MetricsLog.Read(Path.Combine(output, "metrics.jsonl")).Select(r => FormattableString.Invariant(
                $"{r.Step} {r.Loss:R} {r.ValLoss:R} {r.GradNorm:R} {r.TrainedTokens} {Tags(r.LossByTag)} {Tags(r.ValLossByTag)}")).ToList();
        }
        static string Tags(IReadOnlyDictionary<string, double>? d) =>
            d is null ? "-" : string.Join(",", d.OrderBy(p => p.Key).Select(p => FormattableString.Invariant($"{p.Key}={p.Value:R}")));

        var uninterrupted = Run(Path.Combine(temp.Path, "a"), null);
        var stopped = Run(Path.Combine(temp.Path, "b"), 15);
        Assert.True(stopped.Count < uninterrupted.Count);
        var resumed = Run(Path.Combine(temp.Path, "b"), null);
        Assert.Equal(30 + 9, uninterrupted.Count); // 30 steps + validation at 0, 4, …, 28 and 30
        Assert.Equal(uninterrupted, resumed);
    }
}
