using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeclarativeSft.Runtime.Model;

/// <summary>Which member of the Llama family a checkpoint is; the differences are small and listed on
/// <see cref="LlamaConfig"/> (attention bias, per-head q/k RMSNorm).</summary>
public enum LlamaArchitecture
{
    /// <summary>LlamaForCausalLM (Llama 2/3/3.1, SmolLM, TinyLlama).</summary>
    Llama,
    /// <summary>MistralForCausalLM (same math as Llama; a sliding window that is not applied at these lengths).</summary>
    Mistral,
    /// <summary>Qwen2ForCausalLM: bias on q/k/v projections.</summary>
    Qwen2,
    /// <summary>Qwen3ForCausalLM: RMSNorm over each head of q and k, explicit head_dim.</summary>
    Qwen3,
}

/// <summary>Llama 3.x frequency-dependent RoPE rescaling (config.json <c>rope_scaling.rope_type: llama3</c>).</summary>
public sealed record Llama3RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositionEmbeddings);

/// <summary>
/// The shape and numerics of a Llama-family decoder, read from a Hugging Face <c>config.json</c> or made from a
/// from-scratch preset. Field names follow config.json so a reader can match them up.
/// </summary>
public sealed record LlamaConfig
{
    /// <summary>The config.json <c>architectures[0]</c> string, written back on export.</summary>
    public required string ArchitectureName { get; init; }
    public required LlamaArchitecture Architecture { get; init; }
    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int NumHiddenLayers { get; init; }
    public required int NumAttentionHeads { get; init; }
    /// <summary>Key/value heads (GQA when fewer than attention heads).</summary>
    public required int NumKeyValueHeads { get; init; }
    public required int HeadDim { get; init; }
    public required double RmsNormEps { get; init; }
    public required double RopeTheta { get; init; }
    public Llama3RopeScaling? RopeScaling { get; init; }
    public required bool TieWordEmbeddings { get; init; }
    /// <summary>Bias on q/k/v projections (Qwen2; Llama's <c>attention_bias</c>).</summary>
    public required bool AttentionBias { get; init; }
    /// <summary>Per-head RMSNorm of queries and keys before RoPE (Qwen3).</summary>
    public required bool QkNorm { get; init; }
    public int MaxPositionEmbeddings { get; init; } = 2048;
    public int? BosTokenId { get; init; }
    public int? EosTokenId { get; init; }
    /// <summary>The checkpoint's stored dtype (<c>torch_dtype</c>), e.g. bfloat16; informational.</summary>
    public string? TorchDtype { get; init; }

    /// <summary>Reads <c>config.json</c> from a checkpoint folder or a file path.</summary>
    public static LlamaConfig Load(string folderOrFile)
    {
        var path = Directory.Exists(folderOrFile) ? Path.Combine(folderOrFile, "config.json") : folderOrFile;
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new ModelConfigException($"{path}: config.json not found. model.path must be a Hugging Face checkpoint folder.");
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new ModelConfigException($"{path}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e); }
        catch (Exception e) when (UserErrorException.FromIo(e, path, "cannot read the model config") is { } user) { throw user; }
        if (root is not JsonObject obj)
            throw new ModelConfigException($"{path}: expected a JSON object.");
        return FromJson(obj, path);
    }

    /// <summary>Builds a config from the parsed config.json object (<paramref name="path"/> for messages).</summary>
    public static LlamaConfig FromJson(JsonObject o, string path)
    {
        string archName = o["architectures"] is JsonArray a && a.Count > 0 && a[0] is JsonValue v && v.TryGetValue<string>(out var s)
            ? s
            : o["model_type"]?.GetValue<string>() switch
            {
                "llama" => "LlamaForCausalLM",
                "mistral" => "MistralForCausalLM",
                "qwen2" => "Qwen2ForCausalLM",
                "qwen3" => "Qwen3ForCausalLM",
                var mt => throw new ModelConfigException($"{path}: no 'architectures' entry and model_type '{mt}' is not supported. Supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM."),
            };
        var arch = archName switch
        {
            "LlamaForCausalLM" => LlamaArchitecture.Llama,
            "MistralForCausalLM" => LlamaArchitecture.Mistral,
            "Qwen2ForCausalLM" => LlamaArchitecture.Qwen2,
            "Qwen3ForCausalLM" => LlamaArchitecture.Qwen3,
            _ => throw new ModelConfigException($"{path}: architecture '{archName}' is not supported. Supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM."),
        };

        int Int(string key, int? fallback = null)
        {
            var n = o[key];
            if (n is null) return fallback ?? throw new ModelConfigException($"{path}: required key '{key}' is missing.");
            try { return n.GetValue<int>(); }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            { throw new ModelConfigException($"{path}: '{key}' must be an integer, got {n.ToJsonString()}.", e); }
        }
        double Dbl(string key, double fallback)
        {
            var n = o[key];
            if (n is null) return fallback;
            try { return n.GetValue<double>(); }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            { throw new ModelConfigException($"{path}: '{key}' must be a number, got {n.ToJsonString()}.", e); }
        }
        bool Bool(string key, bool fallback) => o[key] is JsonValue bv && bv.TryGetValue<bool>(out var b) ? b : fallback;
        int? TokenId(string key) => o[key] switch
        {
            JsonValue tv when tv.TryGetValue<int>(out var t) => t,
            JsonArray ta when ta.Count > 0 && ta[0] is JsonValue tv0 && tv0.TryGetValue<int>(out var t0) => t0,
            _ => null,
        };

        int Positive(string key, int value) => value >= 1 ? value
            : throw new ModelConfigException($"{path}: '{key}' is {value}, but must be a whole number of at least 1 (it is a size or count of the model). Restore the checkpoint's original config.json.");
        double PositiveReal(string key, double value, string why) => value > 0 && double.IsFinite(value) ? value
            : throw new ModelConfigException($"{path}: '{key}' is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}, but must be a number greater than 0 ({why}). Restore the checkpoint's original config.json.");

        int vocab = Int("vocab_size");
        int hidden = Int("hidden_size");
        int heads = Int("num_attention_heads");
        int kvHeads = Int("num_key_value_heads", heads);
        Positive("vocab_size", vocab);
        Positive("hidden_size", hidden);
        Positive("num_attention_heads", heads);
        Positive("num_key_value_heads", kvHeads);
        int headDim = o["head_dim"] is null ? hidden / heads : Positive("head_dim", Int("head_dim"));
        if (kvHeads <= 0 || heads % kvHeads != 0)
            throw new ModelConfigException($"{path}: num_attention_heads ({heads}) must be a multiple of num_key_value_heads ({kvHeads}).");
        if (o["head_dim"] is null && hidden % heads != 0)
            throw new ModelConfigException($"{path}: hidden_size ({hidden}) is not divisible by num_attention_heads ({heads}); set head_dim.");
        if (headDim % 2 != 0)
            throw new ModelConfigException($"{path}: head_dim ({headDim}) must be even for rotary embeddings.");

        Llama3RopeScaling? scaling = null;
        if (o["rope_scaling"] is JsonObject rs)
        {
            var type = (rs["rope_type"] ?? rs["type"])?.GetValue<string>();
            if (type == "llama3")
            {
                scaling = new Llama3RopeScaling(
                    PositiveReal("rope_scaling.factor", rs["factor"]?.GetValue<double>() ?? throw new ModelConfigException($"{path}: rope_scaling.factor is missing."), "rotary frequencies are divided by it"),
                    rs["low_freq_factor"]?.GetValue<double>() ?? 1.0,
                    rs["high_freq_factor"]?.GetValue<double>() ?? 4.0,
                    rs["original_max_position_embeddings"]?.GetValue<int>() ?? 8192);
            }
            else if (type != "default")
                throw new ModelConfigException($"{path}: rope_scaling type '{type}' is not supported (supported: llama3, default).");
        }

        // LlamaConfig, MistralConfig, Qwen2Config and Qwen3Config all default to untied.
        bool tie = Bool("tie_word_embeddings", false);
        return new LlamaConfig
        {
            ArchitectureName = archName,
            Architecture = arch,
            VocabSize = vocab,
            HiddenSize = hidden,
            IntermediateSize = Positive("intermediate_size", Int("intermediate_size")),
            NumHiddenLayers = Positive("num_hidden_layers", Int("num_hidden_layers")),
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            HeadDim = headDim,
            RmsNormEps = PositiveReal("rms_norm_eps", Dbl("rms_norm_eps", 1e-6), "RMSNorm divides by sqrt(mean(x²) + eps), so 0 or less gives inf/NaN"),
            RopeTheta = PositiveReal("rope_theta", Dbl("rope_theta", 10000.0), "rotary frequencies are rope_theta^(-2i/d)"),
            RopeScaling = scaling,
            TieWordEmbeddings = tie,
            AttentionBias = arch == LlamaArchitecture.Qwen2 || Bool("attention_bias", false),
            QkNorm = arch == LlamaArchitecture.Qwen3,
            MaxPositionEmbeddings = Positive("max_position_embeddings", Int("max_position_embeddings", 2048)),
            BosTokenId = TokenId("bos_token_id"),
            EosTokenId = TokenId("eos_token_id"),
            TorchDtype = o["torch_dtype"] is JsonValue dv && dv.TryGetValue<string>(out var ds) ? ds : null,
        };
    }

    /// <summary>Serialises back to a Hugging Face config.json (for merged exports and from-scratch models).</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray(ArchitectureName),
            ["model_type"] = Architecture switch
            {
                LlamaArchitecture.Llama => "llama",
                LlamaArchitecture.Mistral => "mistral",
                LlamaArchitecture.Qwen2 => "qwen2",
                _ => "qwen3",
            },
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_key_value_heads"] = NumKeyValueHeads,
            ["head_dim"] = HeadDim,
            ["hidden_act"] = "silu",
            ["rms_norm_eps"] = RmsNormEps,
            ["rope_theta"] = RopeTheta,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["torch_dtype"] = "float32",
        };
        if (Architecture == LlamaArchitecture.Llama) o["attention_bias"] = AttentionBias;
        if (RopeScaling is { } r)
            o["rope_scaling"] = new JsonObject
            {
                ["rope_type"] = "llama3",
                ["factor"] = r.Factor,
                ["low_freq_factor"] = r.LowFreqFactor,
                ["high_freq_factor"] = r.HighFreqFactor,
                ["original_max_position_embeddings"] = r.OriginalMaxPositionEmbeddings,
            };
        if (BosTokenId is { } b) o["bos_token_id"] = b;
        if (EosTokenId is { } e) o["eos_token_id"] = e;
        return o;
    }

    /// <summary>Parameters of the model (tied head counted once).</summary>
    public long ParameterCount
    {
        get
        {
            long d = HiddenSize, q = (long)NumAttentionHeads * HeadDim, kv = (long)NumKeyValueHeads * HeadDim;
            long attn = d * q + 2 * d * kv + q * d + (AttentionBias ? q + 2 * kv : 0) + (QkNorm ? 2L * HeadDim : 0);
            long mlp = 3 * d * IntermediateSize;
            long layer = attn + mlp + 2 * d;
            long emb = (long)VocabSize * d;
            return emb + NumHiddenLayers * layer + d + (TieWordEmbeddings ? 0 : emb);
        }
    }
}

/// <summary>A config.json that cannot be used; the message names the file and key.</summary>
public sealed class ModelConfigException(string message, Exception? inner = null) : UserErrorException(message, inner);
