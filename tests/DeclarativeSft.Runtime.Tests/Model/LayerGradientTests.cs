using System.Text.Json;
using System.Text.Json.Nodes;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Lora;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Model.Layers;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Tests.Model;

/// <summary>
/// Each layer of the product's model, on its own (llm.c's test_gpt2 style): the product's RmsNorm, RotaryEmbedding,
/// LlamaAttention (grouped-query), LlamaMlp and a LoRA LinearLayer run forward and backward on random inputs, and the
/// output and every input and parameter gradient are compared with the same layer written in plain PyTorch 1.13
/// (python/layer_reference.py). The loss is sum(out · g) for a random g, so a gradient is the layer's
/// vector-Jacobian product with g: any wrong term in a backward pass shows. float32, tolerance 2e-5 absolute.
/// </summary>
public class LayerGradientTests(ITestOutputHelper log)
{
    private const double Tolerance = 2e-5;
    private const int B = 2, T = 5;

    private sealed class Case(string layer, int seed)
    {
        private readonly Generator _rng = new((ulong)seed);
        public string Layer { get; } = layer;
        public Dictionary<string, Tensor> Tensors { get; } = [];
        public List<string> Grads { get; } = [];
        public JsonObject Config { get; } = [];

        /// <summary>A random tensor the oracle receives; with <paramref name="grad"/> its gradient is compared.</summary>
        public Tensor Random(string name, long[] shape, bool grad = true, double scale = 1.0)
        {
            var t = torch.randn(shape, generator: _rng).mul(scale).detach().requires_grad_(grad);
            Tensors[name] = t;
            if (grad) Grads.Add(name);
            return t;
        }

        public Tensor Fixed(string name, Tensor t) { Tensors[name] = t; return t; }

        public string ToJson() => new JsonObject
        {
            ["layer"] = Layer,
            ["config"] = Config.DeepClone(),
            ["grads"] = new JsonArray(Grads.Select(g => (JsonNode)g).ToArray()),
            ["tensors"] = new JsonObject(Tensors.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonObject
            {
                ["shape"] = new JsonArray(kv.Value.shape.Select(s => (JsonNode)s).ToArray()),
                ["data"] = new JsonArray(kv.Value.detach().to(ScalarType.Float32).data<float>().ToArray().Select(v => (JsonNode)v).ToArray()),
            }))),
        }.ToJsonString();
    }

    private static LlamaConfig Config(int hidden, int heads, int kvHeads, int intermediate) =>
        ModelPresets.Create(ModelPreset.Tiny, vocabSize: 16) with
        {
            HiddenSize = hidden, NumAttentionHeads = heads, NumKeyValueHeads = kvHeads, HeadDim = hidden / heads,
            IntermediateSize = intermediate, RopeTheta = 10000, RopeScaling = null, AttentionBias = false, QkNorm = false,
        };

    /// <summary>Packed position ids: the second row holds two examples, the second restarting at 0.</summary>
    private static Tensor Positions() => torch.tensor(new long[] { 0, 1, 2, 3, 4, 0, 1, 2, 0, 1 }).view(B, T);

    private void Check(Case c, Tensor output)
    {
        var g = c.Random("g", output.shape, grad: false);
        output.mul(g).sum().backward();
        using var dir = new TempFolder();
        File.WriteAllText(dir["case.json"], c.ToJson());
        var expected = JsonDocument.Parse(PythonOracle.Run("layer_reference.py", dir["case.json"])).RootElement;

        double worst = Compare(c.Layer, "out", output, expected.GetProperty("out"));
        foreach (var name in c.Grads)
        {
            var grad = c.Tensors[name].grad;
            Assert.True(grad is not null, $"{c.Layer}: no gradient reached {name}");
            worst = Math.Max(worst, Compare(c.Layer, "grad " + name, grad!, expected.GetProperty("grad_" + name)));
        }
        log.WriteLine($"{c.Layer}: output and {c.Grads.Count} gradients ({string.Join(", ", c.Grads)}) match PyTorch 1.13, max |diff| {worst:0.0e+0}");
    }

    private static double Compare(string layer, string what, Tensor actual, JsonElement expected)
    {
        var a = actual.detach().to(ScalarType.Float32).contiguous().data<float>().ToArray();
        var e = expected.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.True(a.Length == e.Length, $"{layer} {what}: {a.Length} values, oracle {e.Length}");
        Assert.True(e.Any(v => Math.Abs(v) > 1e-3), $"{layer} {what}: the oracle's values are all ~0, the comparison would prove nothing");
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Abs(a[i] - e[i]);
            worst = Math.Max(worst, d);
            Assert.True(d <= Tolerance, $"{layer} {what}[{i}]: {a[i]} vs PyTorch {e[i]} (|diff| {d:0.0e+0} > {Tolerance})");
        }
        return worst;
    }

    [Fact]
    public void RmsNorm_matches_pytorch()
    {
        var c = new Case("rms_norm", seed: 11);
        c.Config["eps"] = 1e-6;
        var x = c.Random("x", [B, T, 8]);
        var w = c.Random("w", [8]);
        Check(c, new RmsNorm("norm", w, 1e-6).Forward(x));
    }

    [Fact]
    public void Rotary_embedding_matches_pytorch_with_packed_positions()
    {
        var config = Config(hidden: 24, heads: 3, kvHeads: 3, intermediate: 8);
        var c = new Case("rope", seed: 12);
        c.Config["theta"] = config.RopeTheta;
        var x = c.Random("x", [B, 3, T, config.HeadDim]);
        var pos = c.Fixed("pos", Positions());
        var (cos, sin) = new RotaryEmbedding(config, torch.CPU).CosSin(pos, ScalarType.Float32);
        Check(c, RotaryEmbedding.Apply(x, cos, sin));
    }

    [Fact]
    public void Grouped_query_attention_matches_pytorch()
    {
        var config = Config(hidden: 16, heads: 4, kvHeads: 2, intermediate: 8);
        var c = new Case("attention", seed: 13);
        (c.Config["heads"], c.Config["kv_heads"], c.Config["head_dim"], c.Config["theta"]) = (4, 2, config.HeadDim, config.RopeTheta);
        var x = c.Random("x", [B, T, 16]);
        var pos = c.Fixed("pos", torch.arange(T).repeat(B, 1));
        LinearLayer Proj(string name, long outFeatures) => new(name, c.Random(name, [outFeatures, 16], scale: 0.3), null);
        var attention = new LlamaAttention(config, Proj("wq", 16), Proj("wk", 8), Proj("wv", 8), new LinearLayer("wo", c.Random("wo", [16, 16], scale: 0.3), null), null, null);
        var (cos, sin) = new RotaryEmbedding(config, torch.CPU).CosSin(pos, ScalarType.Float32);
        Check(c, attention.Forward(x, cos, sin, mask: null, cache: null, layerIndex: 0, ForwardContext.Eval));
    }

    [Fact]
    public void SwiGLU_mlp_matches_pytorch()
    {
        var c = new Case("mlp", seed: 14);
        var x = c.Random("x", [B, T, 8]);
        var mlp = new LlamaMlp(new("wg", c.Random("wg", [12, 8], scale: 0.4), null), new("wu", c.Random("wu", [12, 8], scale: 0.4), null),
            new("wd", c.Random("wd", [8, 12], scale: 0.4), null));
        Check(c, mlp.Forward(x, ForwardContext.Eval));
    }

    [Fact]
    public void Lora_linear_matches_pytorch_for_input_and_both_factors()
    {
        var c = new Case("lora_linear", seed: 15);
        // The adapter as a recipe attaches it: LoraInjector on a model's q_proj (16 → 16), rank 4, alpha 16.
        using var model = LlamaForCausalLM.Initialize(Config(hidden: 16, heads: 4, kvHeads: 2, intermediate: 8), seed: 3);
        LoraInjector.Apply(model, new DeclarativeSft.Recipes.LoraSpec(4, 16, 0.0, ModelModules.QProj, false, ModelModules.None), seed: 4);
        var layer = model.Projections().First(p => p.Item1 == "q_proj").Item2;
        var adapter = layer.Lora!;
        var x = c.Random("x", [B, T, 16]);
        c.Fixed("w", layer.Weight);
        using (torch.no_grad())
        {
            // B starts at zero (the adapter starts as the base model); a trained B makes every term of the backward count.
            using var trained = torch.randn([16, 4], generator: new Generator(6)).mul(0.5);
            adapter.B.copy_(trained);
        }
        c.Fixed("a", adapter.A);
        c.Fixed("b", adapter.B);
        c.Grads.AddRange(["a", "b"]);
        c.Config["scaling"] = adapter.Scaling;
        Check(c, layer.Forward(x, new ForwardContext(Training: true)));
    }
}
