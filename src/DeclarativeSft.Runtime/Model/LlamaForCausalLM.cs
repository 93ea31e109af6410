using DeclarativeSft.Runtime.Model.Layers;
using DeclarativeSft.Runtime.Safetensors;
using DeclarativeSft.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace DeclarativeSft.Runtime.Model;

/// <summary>
/// A Llama-family decoder-only language model whose parameters carry their Hugging Face names
/// (<c>model.embed_tokens.weight</c>, <c>model.layers.N.self_attn.q_proj.weight</c>, …, <c>model.norm.weight</c>,
/// <c>lm_head.weight</c>), so checkpoints load and save without a name map.
/// Parameters are float32 masters; <see cref="ComputeDType"/> (bf16 on CUDA) casts them per use.
/// </summary>
public sealed class LlamaForCausalLM : IDisposable
{
    private readonly Dictionary<string, Parameter> _parameters;

    public LlamaConfig Config { get; }
    public Device Device { get; }
    /// <summary>Dtype of activations; float32 unless training in bf16.</summary>
    public ScalarType ComputeDType { get; set; } = ScalarType.Float32;
    /// <summary>(V, C) token embeddings.</summary>
    public Parameter EmbedTokens => _parameters["model.embed_tokens.weight"];
    public IReadOnlyList<LlamaDecoderLayer> Layers { get; }
    public RmsNorm Norm { get; }
    /// <summary>(V, C) output head; the embedding itself when tie_word_embeddings.</summary>
    public LinearLayer LmHead { get; }
    public RotaryEmbedding Rotary { get; }

    private LlamaForCausalLM(LlamaConfig config, Device device, Dictionary<string, Parameter> parameters)
    {
        Config = config;
        Device = device;
        _parameters = parameters;
        Rotary = new RotaryEmbedding(config, device);
        var layers = new List<LlamaDecoderLayer>();
        Tensor P(string n) => parameters[n];
        Tensor? Opt(string n) => parameters.GetValueOrDefault(n);
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            string p = $"model.layers.{i}.";
            LinearLayer Lin(string n) => new(p + n, P(p + n + ".weight"), Opt(p + n + ".bias"));
            var attn = new LlamaAttention(config, Lin("self_attn.q_proj"), Lin("self_attn.k_proj"), Lin("self_attn.v_proj"), Lin("self_attn.o_proj"),
                config.QkNorm ? new RmsNorm(p + "self_attn.q_norm", P(p + "self_attn.q_norm.weight"), config.RmsNormEps) : null,
                config.QkNorm ? new RmsNorm(p + "self_attn.k_norm", P(p + "self_attn.k_norm.weight"), config.RmsNormEps) : null);
            var mlp = new LlamaMlp(Lin("mlp.gate_proj"), Lin("mlp.up_proj"), Lin("mlp.down_proj"));
            layers.Add(new LlamaDecoderLayer(i,
                new RmsNorm(p + "input_layernorm", P(p + "input_layernorm.weight"), config.RmsNormEps), attn,
                new RmsNorm(p + "post_attention_layernorm", P(p + "post_attention_layernorm.weight"), config.RmsNormEps), mlp));
        }
        Layers = layers;
        Norm = new RmsNorm("model.norm", P("model.norm.weight"), config.RmsNormEps);
        LmHead = new LinearLayer("lm_head", config.TieWordEmbeddings ? P("model.embed_tokens.weight") : P("lm_head.weight"), null);
    }

    /// <summary>Every parameter name and shape the config implies, in Hugging Face order (lm_head omitted when tied).</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> ExpectedParameters(LlamaConfig c)
    {
        long d = c.HiddenSize, f = c.IntermediateSize, hd = c.HeadDim;
        long nq = c.NumAttentionHeads * hd, nkv = c.NumKeyValueHeads * hd;
        var list = new List<(string, long[])> { ("model.embed_tokens.weight", [c.VocabSize, d]) };
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            string p = $"model.layers.{i}.";
            list.Add((p + "input_layernorm.weight", [d]));
            list.Add((p + "self_attn.q_proj.weight", [nq, d]));
            list.Add((p + "self_attn.k_proj.weight", [nkv, d]));
            list.Add((p + "self_attn.v_proj.weight", [nkv, d]));
            if (c.AttentionBias)
            {
                list.Add((p + "self_attn.q_proj.bias", [nq]));
                list.Add((p + "self_attn.k_proj.bias", [nkv]));
                list.Add((p + "self_attn.v_proj.bias", [nkv]));
            }
            if (c.QkNorm)
            {
                list.Add((p + "self_attn.q_norm.weight", [hd]));
                list.Add((p + "self_attn.k_norm.weight", [hd]));
            }
            list.Add((p + "self_attn.o_proj.weight", [d, nq]));
            list.Add((p + "post_attention_layernorm.weight", [d]));
            list.Add((p + "mlp.gate_proj.weight", [f, d]));
            list.Add((p + "mlp.up_proj.weight", [f, d]));
            list.Add((p + "mlp.down_proj.weight", [d, f]));
        }
        list.Add(("model.norm.weight", [d]));
        if (!c.TieWordEmbeddings) list.Add(("lm_head.weight", [c.VocabSize, d]));
        return list;
    }

    /// <summary>Loads config.json and the safetensors weights of a Hugging Face folder (float32 on <paramref name="device"/>).</summary>
    public static LlamaForCausalLM FromPretrained(string folder, Device? device = null)
    {
        var config = LlamaConfig.Load(folder);
        using var checkpoint = SafetensorsCheckpoint.Open(folder);
        return FromCheckpoint(config, checkpoint, device ?? torch.CPU);
    }

    /// <summary>Builds the model from an opened checkpoint, checking every expected tensor's presence and shape.</summary>
    public static LlamaForCausalLM FromCheckpoint(LlamaConfig config, SafetensorsCheckpoint checkpoint, Device device)
    {
        TorchRuntime.EnsureInitialized();
        var parameters = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (var (name, shape) in ExpectedParameters(config))
        {
            var file = checkpoint.FileOf(name);
            var info = file.GetInfo(name);
            file.CheckShape(info, shape);
            var scalar = info.DType switch
            {
                SafetensorsDType.F32 => ScalarType.Float32,
                SafetensorsDType.F16 => ScalarType.Float16,
                SafetensorsDType.BF16 => ScalarType.BFloat16,
                SafetensorsDType.F64 => ScalarType.Float64,
                _ => throw new SafetensorsException($"{file.Path}: tensor '{name}' has dtype {info.DType}; model weights must be floating point."),
            };
            // One copy: from the memory map into the tensor (then a dtype conversion only if the file is not f32).
            var raw = TensorBytes.FromBytes(file.GetBytes(name), shape, scalar, device);
            var t = scalar == ScalarType.Float32 ? raw : raw.to(ScalarType.Float32);
            if (!ReferenceEquals(t, raw)) raw.Dispose();
            parameters[name] = AsParameter(t);
        }
        return new LlamaForCausalLM(config, device, parameters);
    }

    /// <summary>A freshly initialised model (normal(0, 0.02) weights, unit norms — Hugging Face's Llama init), seeded.</summary>
    public static LlamaForCausalLM Initialize(LlamaConfig config, long seed, Device? device = null)
    {
        TorchRuntime.EnsureInitialized();
        var dev = device ?? torch.CPU;
        using var gen = new Generator(unchecked((ulong)seed));
        var parameters = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (var (name, shape) in ExpectedParameters(config))
        {
            // Drawn on the CPU (TorchSharp generators are CPU generators), so a seed gives the same model on any device.
            Tensor t = name.EndsWith("norm.weight", StringComparison.Ordinal) ? torch.ones(shape)
                : name.EndsWith(".bias", StringComparison.Ordinal) ? torch.zeros(shape)
                : torch.empty(shape).normal_(0, 0.02, gen);
            if (dev.type != DeviceType.CPU)
            {
                var moved = t.to(dev);
                t.Dispose();
                t = moved;
            }
            parameters[name] = AsParameter(t);
        }
        return new LlamaForCausalLM(config, dev, parameters);
    }

    /// <summary>Wraps a freshly made tensor as a <see cref="Parameter"/> (which takes over its native handle) that
    /// the model owns: no autograd until <see cref="Training.TrainableParameters"/> marks it trainable, and outside
    /// every dispose scope.</summary>
    private static Parameter AsParameter(Tensor t)
    {
        var p = new Parameter(t, requires_grad: false);
        p.DetachFromDisposeScope();
        return p;
    }

    /// <summary>Base parameters by Hugging Face name, in checkpoint order (lm_head absent when tied).</summary>
    public IEnumerable<(string Name, Parameter Tensor)> NamedParameters() =>
        ExpectedParameters(Config).Select(e => (e.Name, _parameters[e.Name]));

    /// <summary>The parameter called <paramref name="name"/>.</summary>
    public Parameter Parameter(string name) => _parameters.TryGetValue(name, out var t) ? t
        : throw new KeyNotFoundException($"the model has no parameter '{name}'");

    /// <summary>Every projection of every layer, with its Hugging Face short name (q_proj, …, down_proj).</summary>
    public IEnumerable<(string ShortName, LinearLayer Layer)> Projections()
    {
        foreach (var l in Layers)
        {
            yield return ("q_proj", l.SelfAttn.QProj);
            yield return ("k_proj", l.SelfAttn.KProj);
            yield return ("v_proj", l.SelfAttn.VProj);
            yield return ("o_proj", l.SelfAttn.OProj);
            yield return ("gate_proj", l.Mlp.GateProj);
            yield return ("up_proj", l.Mlp.UpProj);
            yield return ("down_proj", l.Mlp.DownProj);
        }
    }

    /// <summary>Token embeddings: ids (B, T) → (B, T, C) in <see cref="ComputeDType"/>.</summary>
    public Tensor Embed(Tensor inputIds)
    {
        var x = Embedding(inputIds, EmbedTokens); // (B, T, C)
        return x.dtype == ComputeDType ? x : x.to(ComputeDType);
    }

    /// <summary>Rows of <paramref name="weight"/> (V, C) picked by ids (…) → (…, C): torch.nn.functional.embedding
    /// (TorchSharp has no functional form; index_select is the same gather, and its backward the same scatter-add).</summary>
    public static Tensor Embedding(Tensor ids, Tensor weight)
    {
        using var flatIds = ids.reshape(-1);
        using var rows = weight.index_select(0, flatIds); // (N, C)
        return rows.view([.. ids.shape, weight.size(1)]);
    }

    /// <summary>Final norm and output head: hidden (…, C) → logits (…, V) in float32. Row-wise, so it may be applied
    /// to any selection of positions (the loss applies it only where a target is trained).</summary>
    public Tensor Head(Tensor hidden, ForwardContext ctx)
    {
        var logits = LmHead.Forward(Norm.Forward(hidden), ctx); // (…, V)
        return logits.dtype == ScalarType.Float32 ? logits : logits.to(ScalarType.Float32);
    }

    /// <summary>
    /// The last decoder layer's output (B, T, C) for ids (B, T), before the final norm: <see cref="Forward"/> without
    /// <see cref="Head"/>. <paramref name="positionIds"/> (B, T) default to 0..T-1 (after the cache's length when
    /// decoding); <paramref name="attentionMask"/> is who may attend to whom (see <see cref="AttentionMask"/>), null for
    /// causal attention.
    /// </summary>
    public Tensor Hidden(Tensor inputIds, Tensor? positionIds = null, AttentionMask? attentionMask = null, KvCache? cache = null, ForwardContext? ctx = null)
    {
        ctx ??= ForwardContext.Eval;
        long B = inputIds.size(0), T = inputIds.size(1);
        positionIds ??= torch.arange(cache?.Length ?? 0, (cache?.Length ?? 0) + T, device: Device).unsqueeze(0).expand(B, T); // (B, T)
        var (cos, sin) = Rotary.CosSin(positionIds, ComputeDType); // (B, 1, T, hd) each
        var x = Embed(inputIds);                                    // (B, T, C)
        foreach (var layer in Layers)
            x = layer.Forward(x, cos, sin, attentionMask, cache, ctx);
        return x;
    }

    /// <summary>Logits (B, T, V) float32 for ids (B, T): <see cref="Head"/> of <see cref="Hidden"/> at every position.</summary>
    public Tensor Forward(Tensor inputIds, Tensor? positionIds = null, AttentionMask? attentionMask = null, KvCache? cache = null, ForwardContext? ctx = null)
    {
        ctx ??= ForwardContext.Eval;
        return Head(Hidden(inputIds, positionIds, attentionMask, cache, ctx), ctx);
    }

    /// <summary>Frees the parameters.</summary>
    public void Dispose()
    {
        foreach (var t in _parameters.Values) t.Dispose();
    }
}
