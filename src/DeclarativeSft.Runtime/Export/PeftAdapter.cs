using System.Text.Json;
using System.Text.Json.Nodes;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Lora;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Safetensors;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Export;

/// <summary>
/// LoRA adapters in Hugging Face PEFT's on-disk layout: adapter_config.json plus adapter_model.safetensors with keys
/// <c>base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight</c> (A is (r, in), B is (out, r)), and fully
/// trained <c>modules_to_save</c> as <c>base_model.model.{name}.weight</c>.
/// </summary>
public static class PeftAdapter
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";
    private const string Prefix = "base_model.model.";

    /// <summary>Writes the adapters attached to <paramref name="model"/> into <paramref name="folder"/>, with the recipe's
    /// tokenizer files when given (PEFT loads the tokenizer from the adapter folder; <c>sft merge</c> carries them on).</summary>
    public static void Save(string folder, LlamaForCausalLM model, LoraSpec spec, string? baseModelNameOrPath, ExportedTokenizer? tokenizer = null)
    {
        Directory.CreateDirectory(folder);
        var entries = new List<SafetensorsWriteEntry>();
        foreach (var (_, layer) in model.Projections())
        {
            if (layer.Lora is not { } a) continue;
            entries.Add(TensorSafetensors.ToEntry(Prefix + layer.Name + ".lora_A.weight", a.A));
            entries.Add(TensorSafetensors.ToEntry(Prefix + layer.Name + ".lora_B.weight", a.B));
        }
        foreach (var name in RecipeNames.ModuleNames(spec.ModulesToSave))
        {
            var param = name == "embed_tokens" ? "model.embed_tokens.weight" : model.Config.TieWordEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight";
            var key = Prefix + (name == "embed_tokens" ? "model.embed_tokens.weight" : "lm_head.weight");
            entries.Add(TensorSafetensors.ToEntry(key, model.Parameter(param)));
        }
        SafetensorsWriter.Write(Path.Combine(folder, WeightsFile), entries);
        AtomicFile.WriteAllText(Path.Combine(folder, ConfigFile), ConfigJson(spec, baseModelNameOrPath).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        tokenizer?.WriteInto(folder);
    }

    /// <summary>adapter_config.json's content.</summary>
    public static JsonObject ConfigJson(LoraSpec spec, string? baseModelNameOrPath)
    {
        var targets = new JsonArray(RecipeNames.LinearModules.Where(m => (spec.TargetModules & m.Value) == m.Value).Select(m => (JsonNode)m.Name).ToArray());
        var save = RecipeNames.ModuleNames(spec.ModulesToSave);
        return new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["base_model_name_or_path"] = baseModelNameOrPath,
            ["r"] = spec.R,
            ["lora_alpha"] = spec.Alpha,
            ["lora_dropout"] = spec.Dropout,
            ["use_rslora"] = spec.UseRslora,
            ["target_modules"] = targets,
            ["modules_to_save"] = save.Count == 0 ? null : new JsonArray(save.Select(s => (JsonNode)s).ToArray()),
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
        };
    }

    /// <summary>Reads adapter_config.json back into a <see cref="LoraSpec"/>.</summary>
    public static LoraSpec LoadSpec(string folder)
    {
        var path = Path.Combine(folder, ConfigFile);
        if (!File.Exists(path)) throw new UserErrorException($"{path}: adapter_config.json not found; point at a PEFT adapter folder (or a LoRA checkpoint).");
        JsonObject o;
        try
        {
            o = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new UserErrorException($"{path}: adapter_config.json must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"{path}: adapter_config.json is not valid JSON ({e.Message}). Restore the file the adapter was saved with.");
        }
        if ((string?)o["peft_type"] is { } t && t != "LORA") throw new UserErrorException($"{path}: peft_type '{t}' is not LORA.");
        ModelModules Modules(JsonNode? n, IReadOnlyList<(string Name, ModelModules Value)> table)
        {
            if (n is JsonValue v && (string?)v == "all-linear") return ModelModules.AllLinear;
            var m = ModelModules.None;
            foreach (var item in n as JsonArray ?? [])
            {
                var name = (string?)item;
                var hit = table.FirstOrDefault(x => x.Name == name);
                if (hit.Name is null) throw new UserErrorException($"{path}: module '{name}' is not one of {string.Join(", ", table.Select(x => x.Name))}.");
                m |= hit.Value;
            }
            return m;
        }
        T Required<T>(string key)
        {
            try
            {
                return o[key] is { } node ? node.GetValue<T>() : throw new UserErrorException($"{path}: '{key}' is missing; a PEFT LoRA adapter_config.json has r, lora_alpha and target_modules.");
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw new UserErrorException($"{path}: '{key}' has the wrong type ({o[key]!.ToJsonString()}).");
            }
        }
        double? dropout = o["lora_dropout"] is null ? null : Required<double>("lora_dropout");
        bool? rslora = o["use_rslora"] is null ? null : Required<bool>("use_rslora");
        return new LoraSpec(Required<int>("r"), Required<double>("lora_alpha"), dropout ?? 0,
            Modules(o["target_modules"], RecipeNames.LinearModules), rslora ?? false, Modules(o["modules_to_save"], RecipeNames.SavableModules));
    }

    /// <summary>Attaches the adapters of <paramref name="folder"/> (PEFT folder, or a checkpoint with adapter_config.json
    /// and trainable.safetensors) to <paramref name="model"/>, loading their weights; returns the spec.</summary>
    public static LoraSpec Load(string folder, LlamaForCausalLM model)
    {
        var spec = LoadSpec(folder);
        LoraInjector.Apply(model, spec, seed: 0);
        var weightsPath = File.Exists(Path.Combine(folder, WeightsFile)) ? Path.Combine(folder, WeightsFile) : Path.Combine(folder, "trainable.safetensors");
        using var file = SafetensorsFile.Open(weightsPath);
        string Key(string name) => file.Contains(Prefix + name) ? Prefix + name : name;
        foreach (var (_, layer) in model.Projections())
        {
            if (layer.Lora is not { } a) continue;
            TensorSafetensors.CopyInto(file, Key(layer.Name + ".lora_A.weight"), a.A);
            TensorSafetensors.CopyInto(file, Key(layer.Name + ".lora_B.weight"), a.B);
        }
        foreach (var name in RecipeNames.ModuleNames(spec.ModulesToSave))
        {
            var param = name == "embed_tokens" || model.Config.TieWordEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight";
            var key = name == "embed_tokens" ? "model.embed_tokens.weight" : "lm_head.weight";
            if (file.Contains(Prefix + key) || file.Contains(key)) TensorSafetensors.CopyInto(file, Key(key), model.Parameter(param));
        }
        return spec;
    }
}
