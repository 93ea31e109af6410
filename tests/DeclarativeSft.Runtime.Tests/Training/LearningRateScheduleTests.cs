using DeclarativeSft.Data;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Reporting;
using DeclarativeSft.Runtime.Training;

namespace DeclarativeSft.Runtime.Tests.Training;

/// <summary>
/// The learning rate of every optimizer step, first to last, equals what Hugging Face's
/// get_{cosine,linear,constant}_schedule_with_warmup give when they drive a real torch optimizer
/// (python/trainer_reference.py, LambdaLR), for warmup given as steps and as a ratio (rounded up).
/// </summary>
public class LearningRateScheduleTests
{
    private sealed record Case(LrScheduler Kind, double Lr, int Total, int? WarmupSteps, double? WarmupRatio)
    {
        public override string ToString() => $"{Kind} lr={Lr} total={Total} warmup_steps={WarmupSteps?.ToString() ?? "-"} warmup_ratio={WarmupRatio?.ToString() ?? "-"}";
    }

    private static List<double[]> Reference(IReadOnlyList<Case> cases, string dir)
    {
        var json = new JsonArray(cases.Select(c => (JsonNode)new JsonObject
        {
            ["kind"] = c.Kind.ToString().ToLowerInvariant(), ["lr"] = c.Lr, ["total_steps"] = c.Total,
            ["warmup_steps"] = c.WarmupSteps, ["warmup_ratio"] = c.WarmupRatio,
        }).ToArray());
        var path = Path.Combine(dir, "cases.json");
        File.WriteAllText(path, json.ToJsonString());
        return JsonSerializer.Deserialize<List<double[]>>(PythonOracle.Run("trainer_reference.py", "schedule", path))!;
    }

    [Fact]
    public void Every_step_matches_HuggingFace_schedules()
    {
        var cases = new List<Case>();
        foreach (var kind in new[] { LrScheduler.Cosine, LrScheduler.Linear, LrScheduler.Constant })
            foreach (int total in new[] { 1, 2, 7, 10, 53 })
            {
                cases.Add(new(kind, 2e-4, total, null, null));
                cases.Add(new(kind, 2e-4, total, 0, null));
                foreach (double ratio in new[] { 0.03, 0.1, 0.25, 0.5 }) cases.Add(new(kind, 2e-4, total, null, ratio));
                foreach (int w in new[] { 1, 3, 6 }) if (w < total) cases.Add(new(kind, 1e-3, total, w, null));
            }
        using var dir = new TempFolder();
        var expected = Reference(cases, dir.Path);

        for (int c = 0; c < cases.Count; c++)
        {
            var k = cases[c];
            var schedule = LearningRateSchedule.Create(k.Kind, k.Lr, k.Total, k.WarmupRatio, k.WarmupSteps);
            Assert.Equal(k.Total, expected[c].Length);
            for (int s = 0; s < k.Total; s++)
            {
                double ours = schedule.At(s);
                Assert.True(Math.Abs(ours - expected[c][s]) <= 1e-12 * k.Lr,
                    $"{k}: step {s} (0-based) ours {ours:R}, HF {expected[c][s]:R}\nours: {string.Join(", ", Enumerable.Range(0, k.Total).Select(schedule.At))}\nHF:   {string.Join(", ", expected[c])}");
            }
        }
    }

    /// <summary>The trainer applies (and logs in metrics.jsonl) the rate of each step in order: step N's line carries the
    /// rate its update used, which for N = 1 is 0 under warmup and for the last step is the schedule's last value.</summary>
    [Theory]
    [InlineData(LrScheduler.Linear, null, 0.3)]
    [InlineData(LrScheduler.Cosine, 2, null)]
    [InlineData(LrScheduler.Constant, 3, null)]
    public void Trainer_logs_the_scheduled_rate_of_every_step(LrScheduler kind, int? warmupSteps, double? warmupRatio)
    {
        const int steps = 7;
        const double lr = 1e-3;
        using var dir = new TempFolder();
        var baseDir = TinySetup.Checkpoint(dir.Path, "tied", 3);
        var expected = Reference([new Case(kind, lr, steps, warmupSteps, warmupRatio)], dir.Path)[0];

        TorchSharp.torch.set_num_threads(1);
        using var model = LlamaForCausalLM.FromPretrained(baseDir);
        var trainable = TrainableParameters.Configure(model, null, 0);
        var warmup = warmupSteps is { } ws ? $"warmup_steps: {ws}, " : warmupRatio is { } wr ? FormattableString.Invariant($"warmup_ratio: {wr:R}, ") : "";
        var recipe = TrainerRecipe.Parse(FormattableString.Invariant($$"""
            training: { epochs: 100, max_steps: {{steps}}, micro_batch_size: 2, learning_rate: {{lr:R}}, lr_scheduler: {{RecipeNames.NameOf(RecipeNames.LrSchedulers, kind)}}, {{warmup}}seed: 3 }
            output: { dir: {{TrainerRecipe.Quote(dir["out"])}} }
            """));
        new Trainer(model, trainable, recipe, RunContext.None, new EpochBatcher(TinySetup.Rows(4, 5), 2, seed: 1), [], null,
            new PlainTrainingProgress(TextWriter.Null)).Run();

        var logged = MetricsLog.Read(Path.Combine(dir["out"], "metrics.jsonl")).Where(r => r.Lr is not null).ToList();
        Assert.Equal(Enumerable.Range(1, steps), logged.Select(r => r.Step));
        for (int i = 0; i < steps; i++)
            Assert.True(Math.Abs(logged[i].Lr!.Value - expected[i]) <= 1e-12 * lr,
                $"step {i + 1}: logged lr {logged[i].Lr:R}, HF {expected[i]:R}\nlogged: {string.Join(", ", logged.Select(r => r.Lr))}\nHF:     {string.Join(", ", expected)}");
    }
}
