using System.Text.Json;
using System.Text.Json.Nodes;
using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Lora;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Tests.Training;

/// <summary>
/// The chunked loss over trained positions only (CausalLmLoss: hidden rows gathered before the head, projected a few
/// rows at a time, a backward per chunk) against the plain loop a user writes in PyTorch 1.13 (python/loss_reference.py:
/// full logits at every position, cross_entropy(ignore_index=-100), autograd, float64). One micro-batch with packed
/// rows, padding and a row with no trained target; chunk sizes that do not divide the trained-token count; untied and
/// tied heads; LoRA on layers and on lm_head; kl_to_base; the gradient-checkpointing path. The summed cross-entropy
/// (training and evaluation), each source's share of it and every trained tensor's gradient must agree: losses within
/// 1e-5 relative, gradients within 1e-4.
/// </summary>
public class LossParityTests(ITestOutputHelper log)
{
    private const double LossTolerance = 1e-5; // relative
    private const double GradTolerance = 1e-4;
    private const int TagCount = 3, Rank = 4;
    private const double LoraScaling = 2.0;

    /// <summary>Which tensors train.</summary>
    public enum Training { Full, LoraOnLayersAndHead, LoraOnHeadOnly }

    [Theory]
    [InlineData("llama", Training.Full, 0.0, 7L, false)]                // untied head, chunks of 7 rows
    [InlineData("llama", Training.Full, 0.0, 0L, false)]                // the default chunk size (one chunk here)
    [InlineData("qwen2", Training.Full, 0.0, 5L, true)]                 // tied head, gradient checkpointing
    [InlineData("qwen2", Training.LoraOnLayersAndHead, 0.5, 7L, false)] // adapter on the tied head, KL to base
    [InlineData("qwen2", Training.LoraOnLayersAndHead, 0.5, 7L, true)]
    [InlineData("llama", Training.LoraOnHeadOnly, 0.5, 4L, false)]      // nothing below the head trains
    public void Chunked_trained_positions_loss_matches_full_logits_in_pytorch(string variant, Training training, double kl, long chunkRows, bool checkpointing)
    {
        using var dir = new TempFolder();
        var baseDir = TinySetup.Checkpoint(dir.Path, variant, 41);
        var rows = Rows();
        torch.set_num_threads(1);
        using var model = LlamaForCausalLM.FromPretrained(baseDir);
        var (trainable, lora) = Configure(model, training);

        using var scope = torch.NewDisposeScope();
        var batch = TrainingBatch.From(rows, model.Device, TagCount);
        long trained = batch.TrainedTokens;
        long chunk = chunkRows > 0 ? chunkRows : OutputHeadChunks.Rows(model.Config.VocabSize);
        if (chunkRows > 0)
            Assert.True(trained > chunk && trained % chunk != 0, $"{trained} trained targets with chunks of {chunk}: the last chunk must be partial");
        long denominator = trained + 9; // as if the step's other micro-batches held 9 more trained tokens

        var expected = Oracle(baseDir, dir["case.json"], rows, denominator, kl, lora);
        if (kl > 0)
        {
            var withoutKl = Oracle(baseDir, dir["case0.json"], rows, denominator, 0, lora);
            double effect = trainable.Max(p => MaxDiff(Flat(expected, p.Name), Flat(withoutKl, p.Name)));
            Assert.True(effect > 20 * GradTolerance, $"kl_to_base={kl} changes the reference's gradients by only {effect:E2}: the test would not notice it missing");
        }

        using var dropout = new Generator(1);
        var ctx = new ForwardContext(Training: true, DropoutGenerator: dropout);
        var ceByTag = new double[TagCount];
        double ce = CausalLmLoss.ForwardBackward(model, batch, denominator, ctx, checkpointing, kl,
            () => { using var ng = torch.no_grad(); return model.Hidden(batch.InputIds, batch.PositionIds, batch.Mask, ctx: ForwardContext.BaseModel); },
            ceByTag, chunkRows > 0 ? chunkRows : null);

        double refCe = expected.GetProperty("ce").GetDouble();
        AssertLoss("training cross-entropy", ce, refCe);
        var refByTag = expected.GetProperty("ce_by_tag").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.True(refByTag.Count(v => v > 0) >= 2, "the rows must carry at least two sources' trained tokens");
        for (int k = 0; k < TagCount; k++) AssertLoss($"cross-entropy of source {k}", ceByTag[k], refByTag[k], refCe);

        double worst = 0;
        foreach (var (name, p) in trainable)
        {
            Assert.True(p.grad is not null, $"no gradient reached {name}");
            var got = p.grad!.detach().contiguous().data<float>().ToArray().Select(v => (double)v).ToArray();
            var want = Flat(expected, name);
            Assert.Equal(want.Length, got.Length);
            Assert.True(want.Any(v => Math.Abs(v) > 1e-3), $"{name}: the reference gradient is ~0, the comparison would prove nothing");
            for (int i = 0; i < got.Length; i++)
            {
                double d = Math.Abs(got[i] - want[i]);
                worst = Math.Max(worst, d);
                Assert.True(d <= GradTolerance, $"grad {name}[{i}]: ours {got[i]:R}, PyTorch {want[i]:R} (|diff| {d:E2})");
            }
        }

        // Evaluation: the same chunked head without gradients.
        var evalByTag = new double[TagCount];
        AssertLoss("evaluation cross-entropy", CausalLmLoss.SummedCrossEntropy(model, batch, evalByTag, chunkRows > 0 ? chunkRows : null), refCe);
        for (int k = 0; k < TagCount; k++) AssertLoss($"evaluation cross-entropy of source {k}", evalByTag[k], refByTag[k], refCe);

        log.WriteLine($"{variant} {training} kl={kl} chunk={chunk} checkpointing={checkpointing}: {trained} trained targets, Σce {ce:R} vs {refCe:R}, " +
                      $"{trainable.Count} gradients within {worst:E1}");
        batch.DisposeTensors();
    }

    private static void AssertLoss(string what, double got, double want, double? scale = null)
    {
        double tol = LossTolerance * Math.Abs(scale ?? want);
        Assert.True(Math.Abs(got - want) <= tol, $"{what}: ours {got:R}, PyTorch {want:R} (|diff| {Math.Abs(got - want):E2} > {tol:E2})");
    }

    /// <summary>Packed rows (two or three examples, prompts masked, some padding), one of them with no trained
    /// target at all, each example from one of three data sources.</summary>
    private static List<PackedRow> Rows()
    {
        var rows = TinySetup.Rows(5, seed: 23);
        var masked = rows[1] with { Labels = rows[1].Labels.Select(_ => Labels.IgnoreIndex).ToArray() };
        rows.Insert(2, masked);
        return rows.Select((r, i) => r with { SegmentTags = Enumerable.Range(0, r.SegmentCount).Select(s => (i + s) % TagCount).ToArray() }).ToList();
    }

    /// <summary>Marks what trains; returns the trained tensors by name and the plan's "lora" entry (null: full).</summary>
    private static (List<(string Name, Parameter Tensor)> Trainable, JsonObject? Lora) Configure(LlamaForCausalLM model, Training training)
    {
        if (training == Training.Full)
            return (TrainableParameters.Configure(model, null, 0).Trainable.ToList(), null);
        var targets = training == Training.LoraOnHeadOnly ? ModelModules.None : ModelModules.QProj | ModelModules.VProj | ModelModules.DownProj;
        var spec = new LoraSpec(Rank, LoraScaling * Rank, 0.0, targets, false, ModelModules.None);
        if (targets != ModelModules.None) LoraInjector.Apply(model, spec, seed: 5);
        using var gen = new Generator(8);
        // No recipe target puts an adapter on lm_head yet; the head computes with one like any projection.
        model.LmHead.Lora = new LoraAdapter(model.Config.HiddenSize, model.Config.VocabSize, Rank, LoraScaling, 0.0, gen, model.Device);
        var trainable = TrainableParameters.Configure(model, spec, 0).Trainable.ToList();
        trainable.Add(("lm_head.lora_A.weight", model.LmHead.Lora.A));
        trainable.Add(("lm_head.lora_B.weight", model.LmHead.Lora.B));
        var adapters = new JsonObject();
        var layers = model.Projections().Select(p => p.Layer).Append(model.LmHead).Where(l => l.Lora is not null);
        foreach (var layer in layers)
        {
            using (torch.no_grad())
            {
                // B starts at zero (adapted = base); a trained B makes every term of the backward, and the KL, count.
                using var b = torch.randn(layer.Lora!.B.shape, generator: gen).mul(0.3);
                layer.Lora.B.copy_(b);
            }
            adapters[layer.Name] = new JsonObject { ["A"] = Matrix(layer.Lora!.A), ["B"] = Matrix(layer.Lora.B) };
        }
        return (trainable, new JsonObject { ["scaling"] = LoraScaling, ["adapters"] = adapters });
    }

    private static JsonElement Oracle(string baseDir, string casePath, List<PackedRow> rows, long denominator, double kl, JsonObject? lora)
    {
        var rowsJson = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
        {
            ["input_ids"] = Ints(r.InputIds), ["labels"] = Ints(r.Labels), ["position_ids"] = Ints(r.PositionIds),
            ["segment_ids"] = Ints(r.SegmentIds), ["segment_tags"] = Ints(r.SegmentTags!),
        }).ToArray());
        var c = new JsonObject
        {
            ["rows"] = rowsJson, ["denominator"] = denominator, ["kl_to_base"] = kl, ["tags"] = TagCount, ["lora"] = lora?.DeepClone(),
        };
        File.WriteAllText(casePath, c.ToJsonString());
        return JsonDocument.Parse(PythonOracle.Run("loss_reference.py", baseDir, casePath)).RootElement;
    }

    private static double[] Flat(JsonElement expected, string name) =>
        expected.GetProperty("grads").TryGetProperty(name, out var g) ? g.EnumerateArray().Select(v => v.GetDouble()).ToArray()
            : throw new Xunit.Sdk.XunitException($"the reference has no gradient named {name}");

    private static double MaxDiff(double[] a, double[] b) => a.Zip(b).Max(p => Math.Abs(p.First - p.Second));

    private static JsonArray Matrix(Tensor t)
    {
        long rows = t.size(0), cols = t.size(1);
        var flat = t.detach().contiguous().data<float>().ToArray();
        return new JsonArray(Enumerable.Range(0, (int)rows)
            .Select(i => (JsonNode)new JsonArray(flat.Skip(i * (int)cols).Take((int)cols).Select(v => (JsonNode)JsonValue.Create((double)v)).ToArray())).ToArray());
    }

    private static JsonArray Ints(int[] values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
}
