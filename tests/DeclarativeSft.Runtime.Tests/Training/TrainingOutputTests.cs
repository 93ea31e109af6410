using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Training;
using Spectre.Console;

namespace DeclarativeSft.Runtime.Tests.Training;

/// <summary>
/// What a run leaves for a person and for tools: metrics.jsonl with the documented snake_case fields and values that
/// can be recomputed from the data, loss.svg that parses and plots exactly the logged points, and the progress output
/// (plain lines when not on a terminal, the Spectre.Console bar otherwise).
/// </summary>
public class TrainingOutputTests
{
    private const int Steps = 6, Micro = 2, Accum = 2, EvalEvery = 2, BatcherSeed = 8;

    private static TrainingResult Train(string baseDir, string outDir, IReadOnlyList<PackedRow> rows, ITrainingProgress progress)
    {
        TorchSharp.torch.set_num_threads(1);
        using var model = LlamaForCausalLM.FromPretrained(baseDir);
        var trainable = TrainableParameters.Configure(model, null, 0);
        var recipe = TrainerRecipe.Parse($$"""
            training: { epochs: 100, max_steps: {{Steps}}, micro_batch_size: {{Micro}}, gradient_accumulation_steps: {{Accum}}, learning_rate: 5.0e-3, lr_scheduler: cosine, warmup_steps: 1, seed: 5 }
            eval: { every_steps: {{EvalEvery}} }
            output: { dir: {{TrainerRecipe.Quote(outDir)}} }
            """);
        return new Trainer(model, trainable, recipe, RunContext.None, new EpochBatcher(rows, Micro, BatcherSeed), TinySetup.Rows(4, 71), null, progress).Run();
    }

    /// <summary>Trained (loss-bearing) next-token targets of a row: label of t+1 set and t, t+1 in the same document.</summary>
    private static int TrainedTargets(PackedRow r) =>
        Enumerable.Range(0, r.Length - 1).Count(t => r.Labels[t + 1] != Labels.IgnoreIndex && r.SegmentIds[t + 1] == r.SegmentIds[t] && r.SegmentIds[t] >= 0);

    [Fact]
    public void Metrics_jsonl_has_the_documented_fields_and_recomputable_token_counts()
    {
        using var dir = new TempFolder();
        var baseDir = TinySetup.Checkpoint(dir.Path, "tied", 70);
        var rows = TinySetup.Rows(8, 70);
        var plain = new StringWriter();
        Train(baseDir, dir["out"], rows, new PlainTrainingProgress(plain));

        // The trained-token count of every step, from the rows the batcher hands out.
        var batcher = new EpochBatcher(rows, Micro, BatcherSeed);
        var cursor = DataCursor.Start;
        var cumulative = new long[Steps + 1];
        for (int s = 1; s <= Steps; s++)
        {
            long n = 0;
            for (int k = 0; k < Accum; k++) { var mb = batcher.At(cursor); cursor = mb.Next; n += mb.Rows.Sum(TrainedTargets); }
            cumulative[s] = cumulative[s - 1] + n;
        }

        var lines = File.ReadAllLines(Path.Combine(dir["out"], "metrics.jsonl")).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var train = lines.Where(e => e.TryGetProperty("loss", out _)).ToList();
        var evals = lines.Where(e => e.TryGetProperty("val_loss", out _)).ToList();
        Assert.Equal(lines.Count, train.Count + evals.Count);
        Assert.All(train, e => Assert.Equal(["grad_norm", "loss", "lr", "step", "tokens_per_s", "trained_tokens"], e.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)));
        Assert.All(evals, e => Assert.Equal(["step", "trained_tokens", "val_loss"], e.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)));
        Assert.Equal(Enumerable.Range(1, Steps), train.Select(e => e.GetProperty("step").GetInt32()));
        Assert.Equal([0, 2, 4, 6], evals.Select(e => e.GetProperty("step").GetInt32()));
        foreach (var e in train.Concat(evals))
        {
            int step = e.GetProperty("step").GetInt32();
            Assert.Equal(cumulative[step], e.GetProperty("trained_tokens").GetInt64());
        }
        Assert.All(train, e =>
        {
            Assert.True(e.GetProperty("loss").GetDouble() is > 0 and < 10);
            Assert.True(e.GetProperty("grad_norm").GetDouble() > 0);
            Assert.True(e.GetProperty("tokens_per_s").GetDouble() > 0);
        });

        // Plain progress: one line per step with its number, the total and the logged loss (4 decimals), plus the evaluations.
        var progress = plain.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        foreach (var e in train)
        {
            int step = e.GetProperty("step").GetInt32();
            string loss = e.GetProperty("loss").GetDouble().ToString("0.0000", CultureInfo.InvariantCulture);
            var line = Assert.Single(progress, l => l.StartsWith($"step {step}/{Steps} ", StringComparison.Ordinal));
            Assert.Contains($"loss {loss}", line);
            Assert.Contains("tok/s", line);
            Assert.Contains("eta ", line);
        }
        foreach (var e in evals.Skip(1))
            Assert.Contains(progress, l => l.Contains($"step {e.GetProperty("step").GetInt32()}: validation loss {e.GetProperty("val_loss").GetDouble().ToString("0.0000", CultureInfo.InvariantCulture)}"));
        Assert.DoesNotContain('\u001b', plain.ToString()); // no ANSI escapes in the non-terminal output
    }

    [Fact]
    public void Loss_svg_plots_exactly_the_logged_points()
    {
        using var dir = new TempFolder();
        var baseDir = TinySetup.Checkpoint(dir.Path, "tied", 72);
        Train(baseDir, dir["out"], TinySetup.Rows(8, 72), new PlainTrainingProgress(TextWriter.Null));
        var lines = File.ReadAllLines(Path.Combine(dir["out"], "metrics.jsonl")).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var train = lines.Where(e => e.TryGetProperty("loss", out _)).Select(e => (Step: e.GetProperty("step").GetDouble(), Loss: e.GetProperty("loss").GetDouble())).ToList();
        var val = lines.Where(e => e.TryGetProperty("val_loss", out _)).Select(e => (Step: e.GetProperty("step").GetDouble(), Loss: e.GetProperty("val_loss").GetDouble())).ToList();

        var svg = XDocument.Load(Path.Combine(dir["out"], "loss.svg")); // throws if it is not well-formed XML
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains(texts, t => t.Contains("step", StringComparison.OrdinalIgnoreCase)); // x-axis label
        Assert.Contains(texts, t => t.Trim().Equals("loss", StringComparison.OrdinalIgnoreCase)); // y-axis label

        // Each series is one polyline (a path of M/L points, or a <polyline>) with one point per logged value.
        var series = svg.Descendants(ns + "path").Select(p => (string)p.Attribute("d")!)
            .Concat(svg.Descendants(ns + "polyline").Select(p => (string)p.Attribute("points")!))
            .Select(Points).Where(p => p.Count > 1).ToList();
        var trainPts = Assert.Single(series, s => s.Count == train.Count);
        var valPts = Assert.Single(series, s => s.Count == val.Count);

        // Both series are drawn on one linear pair of axes: x grows with the step, y (pointing down) falls as loss rises.
        var all = train.Zip(trainPts).Concat(val.Zip(valPts)).ToList();
        var (lo, hi) = (all.MinBy(p => p.First.Loss), all.MaxBy(p => p.First.Loss));
        var (first, last) = (all.MinBy(p => p.First.Step), all.MaxBy(p => p.First.Step));
        double yScale = (hi.Second.Y - lo.Second.Y) / (hi.First.Loss - lo.First.Loss);
        double xScale = (last.Second.X - first.Second.X) / (last.First.Step - first.First.Step);
        Assert.True(yScale < 0 && xScale > 0, $"axes are not oriented as a loss plot: x scale {xScale}, y scale {yScale}");
        foreach (var ((step, loss), (x, y)) in all)
        {
            Assert.True(Math.Abs(lo.Second.Y + (loss - lo.First.Loss) * yScale - y) < 0.05, $"point of loss {loss} at y={y} is off the axis scale");
            Assert.True(Math.Abs(first.Second.X + (step - first.First.Step) * xScale - x) < 0.05, $"point of step {step} at x={x} is off the axis scale");
        }
    }

    /// <summary>On a terminal the progress is a Spectre.Console bar whose description carries step, loss and lr.</summary>
    [Fact]
    public void Spectre_progress_shows_the_final_step()
    {
        using var dir = new TempFolder();
        var baseDir = TinySetup.Checkpoint(dir.Path, "tied", 73);
        var console = new StringWriter();
        var previous = AnsiConsole.Console;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(console),
        });
        try
        {
            var result = SpectreTrainingProgress.Run(Steps, p => Train(baseDir, dir["out"], TinySetup.Rows(8, 73), p));
            Assert.Equal(Steps, result.Steps);
        }
        finally { AnsiConsole.Console = previous; }
        var text = console.ToString();
        var last = File.ReadAllLines(Path.Combine(dir["out"], "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).Last(e => e.TryGetProperty("loss", out _));
        Assert.Contains($"step {Steps}/{Steps} loss {last.GetProperty("loss").GetDouble().ToString("0.0000", CultureInfo.InvariantCulture)}", text);
        Assert.Contains("100%", text);
        Assert.Contains("validation loss", text); // messages print alongside the bar
    }

    private static List<(double X, double Y)> Points(string data)
    {
        var numbers = data.Replace('M', ' ').Replace('L', ' ').Replace(',', ' ')
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToList();
        return Enumerable.Range(0, numbers.Count / 2).Select(i => (numbers[2 * i], numbers[2 * i + 1])).ToList();
    }
}
