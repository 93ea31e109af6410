using System.Text.Json;
using System.Text.Json.Nodes;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Export;
using DeclarativeSft.Runtime.Lora;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Scoring;
using DeclarativeSft.Runtime.Tests.Training;
using DeclarativeSft.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Tests.Lora;

public class LoraTests
{
    private static readonly int[] Ids = [3, 17, 29, 4, 55, 8, 13, 21, 34, 2, 1];

    private static float[] Logits(LlamaForCausalLM m, ForwardContext ctx)
    {
        using var scope = torch.NewDisposeScope();
        using var ng = torch.no_grad();
        return m.Forward(torch.tensor(Ids.Select(i => (long)i).ToArray(), [1, Ids.Length]), ctx: ctx).data<float>().ToArray();
    }

    [Fact]
    public void Adapted_model_starts_exactly_at_the_base()
    {
        using var dir = new TempFolder();
        using var m = LlamaForCausalLM.FromPretrained(TinySetup.Checkpoint(dir.Path, "qwen2", 8));
        var before = Logits(m, ForwardContext.Eval);
        var spec = new LoraSpec(8, 16, 0.1, ModelModules.AllLinear, UseRslora: true, ModelModules.None);
        LoraInjector.Apply(m, spec, seed: 1);
        var withAdapters = Logits(m, new ForwardContext(Training: true)); // dropout active on the LoRA path
        double maxDelta = before.Zip(withAdapters).Max(p => Math.Abs(p.First - p.Second));
        Assert.Equal(0.0, maxDelta);
        // A is non-zero (so the test would notice a swapped init) and within the Kaiming-uniform bound 1/sqrt(in).
        var q = m.Layers[0].SelfAttn.QProj.Lora!;
        var a = q.A.data<float>().ToArray();
        Assert.Equal([8L, m.Config.HiddenSize], q.A.shape);
        Assert.Equal([(long)m.Config.NumAttentionHeads * m.Config.HeadDim, 8L], q.B.shape);
        Assert.All(a, v => Assert.True(Math.Abs(v) <= 1.0 / Math.Sqrt(m.Config.HiddenSize)));
        Assert.True(a.Max() - a.Min() > 0.5 / Math.Sqrt(m.Config.HiddenSize));
        Assert.All(q.B.data<float>().ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(16 / Math.Sqrt(8), q.Scaling, 12); // rsLoRA
    }

    [Fact]
    public void Trainable_counts_follow_rank_times_in_plus_out()
    {
        using var dir = new TempFolder();
        using var m = LlamaForCausalLM.FromPretrained(TinySetup.Checkpoint(dir.Path, "llama", 8));
        var c = m.Config;
        long total = LlamaForCausalLM.ExpectedParameters(c).Sum(p => p.Shape.Aggregate(1L, (x, y) => x * y));
        var spec = new LoraSpec(4, 8, 0, ModelModules.QProj | ModelModules.VProj, false, ModelModules.LmHead);
        LoraInjector.Apply(m, spec, 2);
        var tp = TrainableParameters.Configure(m, spec, 0);
        long q = c.NumAttentionHeads * c.HeadDim, kv = c.NumKeyValueHeads * c.HeadDim, d = c.HiddenSize;
        long lora = c.NumHiddenLayers * 4 * ((d + q) + (d + kv));
        long head = (long)c.VocabSize * d;
        Assert.Equal(lora + head, tp.TrainableCount);
        Assert.Equal(total + lora, tp.TotalCount);
        Assert.False(m.Parameter("model.layers.0.self_attn.q_proj.weight").requires_grad);
        Assert.True(m.Parameter("lm_head.weight").requires_grad);
        Assert.Contains("trainable%", tp.Summary());

        // Full fine-tuning with freeze_layers: layer 0 frozen, layer 1 and the rest trainable.
        using var full = LlamaForCausalLM.FromPretrained(Path.Combine(dir.Path, "base"));
        var ft = TrainableParameters.Configure(full, null, 1);
        Assert.False(full.Parameter("model.layers.0.mlp.up_proj.weight").requires_grad);
        Assert.True(full.Parameter("model.layers.1.mlp.up_proj.weight").requires_grad);
        Assert.True(full.Parameter("model.embed_tokens.weight").requires_grad);
    }

    [Fact]
    public void Merged_checkpoint_scores_like_the_adapter_model_and_PEFT_layout_is_right()
    {
        using var dir = new TempFolder();
        var baseDir = TinySetup.Checkpoint(dir.Path, "qwen3", 12);
        File.WriteAllText(Path.Combine(baseDir, "tokenizer_config.json"), "{\"chat_template\": \"x\"}");
        using var m = LlamaForCausalLM.FromPretrained(baseDir);
        var spec = new LoraSpec(4, 16, 0.05, ModelModules.AllLinear, false, ModelModules.None);
        LoraInjector.Apply(m, spec, 3);
        using (torch.no_grad()) // stand-in for training: give B real values
            foreach (var (_, l) in m.Projections()) l.Lora!.B.normal_(0, 0.2);
        var adapterLogProbs = TokenScorer.LogProbs(m, Ids);
        var baseLogProbs = TokenScorer.LogProbs(m, Ids, new ForwardContext(false, AdaptersEnabled: false));
        Assert.True(adapterLogProbs.Zip(baseLogProbs).Max(p => Math.Abs(p.First - p.Second)) > 1e-2, "adapters must change the model for this test to mean anything");

        PeftAdapter.Save(dir["adapter"], m, spec, baseDir);
        HfCheckpointWriter.Save(dir["merged"], m, baseDir);
        Assert.True(File.Exists(Path.Combine(dir["merged"], "tokenizer_config.json")));

        // merged == adapter model, scored by us and by the independent PyTorch reference.
        using (var merged = LlamaForCausalLM.FromPretrained(dir["merged"]))
        {
            var got = TokenScorer.LogProbs(merged, Ids);
            Assert.True(got.Zip(adapterLogProbs).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
        }
        File.WriteAllText(dir["in.jsonl"], JsonSerializer.Serialize(new { ids = Ids }) + "\n");
        var reference = JsonDocument.Parse(PythonOracle.Run("llama_reference.py", "score", dir["merged"], dir["in.jsonl"]))
            .RootElement.GetProperty("logprobs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.True(reference.Zip(adapterLogProbs).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);

        // A fresh base with the saved adapter loaded scores the same.
        using (var again = LlamaForCausalLM.FromPretrained(baseDir))
        {
            PeftAdapter.Load(dir["adapter"], again);
            var got = TokenScorer.LogProbs(again, Ids);
            Assert.True(got.Zip(adapterLogProbs).Max(p => Math.Abs(p.First - p.Second)) < 1e-6);
        }

        // PEFT layout, read by the independent reader: key names, A (r, in), B (out, r); config fields.
        var keys = JsonDocument.Parse(PythonOracle.Run("safetensors_oracle.py", "read", Path.Combine(dir["adapter"], PeftAdapter.WeightsFile))).RootElement;
        var qa = keys.GetProperty("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight").GetProperty("shape");
        var qb = keys.GetProperty("base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight").GetProperty("shape");
        Assert.Equal([4, 32], qa.EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([64, 4], qb.EnumerateArray().Select(e => e.GetInt32())); // qwen3 variant: 4 heads × head_dim 16
        Assert.Equal(2 * 7 * 2, keys.EnumerateObject().Count());
        var cfg = JsonNode.Parse(File.ReadAllText(Path.Combine(dir["adapter"], PeftAdapter.ConfigFile)))!;
        Assert.Equal("LORA", (string?)cfg["peft_type"]);
        Assert.Equal("CAUSAL_LM", (string?)cfg["task_type"]);
        Assert.Equal(4, (int)cfg["r"]!);
        Assert.Equal(16.0, (double)cfg["lora_alpha"]!);
        Assert.Equal(baseDir, (string?)cfg["base_model_name_or_path"]);
        Assert.Equal(7, cfg["target_modules"]!.AsArray().Count);
    }
}
