using DeclarativeSft.Recipes;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeclarativeSft.Data;
using DeclarativeSft.Runtime.Lora;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Reporting;
using DeclarativeSft.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Tests.Training;

/// <summary>
/// Glue between our Trainer and python/trainer_reference.py: the micro-batches a run will see (so the reference
/// trains on exactly the same rows in the same order), the reference's losses and final tensors, and ours.
/// </summary>
public static class ReferenceRun
{
    /// <summary>The rows of every micro-batch of the first <paramref name="steps"/> optimizer steps, as the plan's "steps".</summary>
    public static JsonArray Steps(IReadOnlyList<PackedRow> rows, int micro, int batcherSeed, int steps, int accum)
    {
        var batcher = new EpochBatcher(rows, micro, batcherSeed);
        var cursor = DataCursor.Start;
        var plan = new JsonArray();
        for (int s = 0; s < steps; s++)
        {
            var step = new JsonArray();
            for (int k = 0; k < accum; k++)
            {
                var mb = batcher.At(cursor);
                cursor = mb.Next;
                step.Add(new JsonArray(mb.Rows.Select(r => (JsonNode)new JsonObject
                {
                    ["input_ids"] = Ints(r.InputIds), ["labels"] = Ints(r.Labels),
                    ["position_ids"] = Ints(r.PositionIds), ["segment_ids"] = Ints(r.SegmentIds),
                }).ToArray()));
            }
            plan.Add(step);
        }
        return plan;
    }

    /// <summary>The "lora" entry of a plan: the spec plus every adapter's initial A (B starts at zero on both sides).</summary>
    public static JsonObject Lora(LlamaForCausalLM model, LoraSpec spec)
    {
        var a = new JsonObject();
        foreach (var (_, layer) in model.Projections())
        {
            if (layer.Lora is not { } adapter) continue;
            long rows = adapter.A.size(0), cols = adapter.A.size(1);
            var flat = adapter.A.detach().contiguous().data<float>().ToArray();
            a[layer.Name] = new JsonArray(Enumerable.Range(0, (int)rows)
                .Select(i => (JsonNode)new JsonArray(flat.Skip(i * (int)cols).Take((int)cols).Select(v => (JsonNode)JsonValue.Create((double)v)).ToArray())).ToArray());
        }
        return new JsonObject { ["r"] = spec.R, ["alpha"] = spec.Alpha, ["use_rslora"] = spec.UseRslora, ["A"] = a };
    }

    /// <summary>Runs the reference trainer on <paramref name="plan"/>; returns its per-step losses and final trained tensors.</summary>
    public static (double[] Losses, Dictionary<string, double[]> Params) Python(string baseDir, string workDir, JsonObject plan)
    {
        var planPath = Path.Combine(workDir, $"plan-{Guid.NewGuid():N}.json");
        var paramsPath = planPath + ".params.json";
        plan["params_out"] = paramsPath;
        File.WriteAllText(planPath, plan.ToJsonString());
        var losses = JsonSerializer.Deserialize<double[]>(PythonOracle.Run("trainer_reference.py", "train", baseDir, planPath))!;
        var ps = JsonSerializer.Deserialize<Dictionary<string, double[]>>(File.ReadAllText(paramsPath))!;
        return (losses, ps);
    }

    /// <summary>The training-step losses our run logged in metrics.jsonl.</summary>
    public static double[] OurLosses(string outDir) =>
        MetricsLog.Read(Path.Combine(outDir, "metrics.jsonl")).Where(r => r.Loss is not null).Select(r => r.Loss!.Value).ToArray();

    /// <summary>Our trained tensors by name, flattened.</summary>
    public static Dictionary<string, double[]> OurParams(TrainableParameters trainable) =>
        trainable.Trainable.ToDictionary(p => p.Name, p => p.Tensor.detach().contiguous().data<float>().ToArray().Select(v => (double)v).ToArray());

    /// <summary>Asserts both loss sequences agree step by step within <paramref name="tol"/>.</summary>
    public static void AssertLossesMatch(double[] expected, double[] got, double tol)
    {
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++)
            Assert.True(Math.Abs(got[i] - expected[i]) < tol,
                $"step {i + 1}: ours {got[i]:R}, PyTorch {expected[i]:R}\nours: {string.Join(", ", got)}\nref:  {string.Join(", ", expected)}");
    }

    /// <summary>Largest |ours − reference| over every element of every trained tensor (names must be the same set).</summary>
    public static double MaxParamDifference(Dictionary<string, double[]> expected, Dictionary<string, double[]> got)
    {
        Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), got.Keys.OrderBy(k => k, StringComparer.Ordinal));
        double max = 0;
        foreach (var (name, e) in expected)
        {
            var g = got[name];
            Assert.Equal(e.Length, g.Length);
            for (int i = 0; i < e.Length; i++) max = Math.Max(max, Math.Abs(e[i] - g[i]));
        }
        return max;
    }

    /// <summary>Largest |a − b| over the tensors of two reference runs (how much an option changes the trajectory).</summary>
    public static double MaxDifference(Dictionary<string, double[]> a, Dictionary<string, double[]> b) =>
        a.Max(kv => kv.Value.Zip(b[kv.Key]).Max(p => Math.Abs(p.First - p.Second)));

    private static JsonArray Ints(int[] values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
}
