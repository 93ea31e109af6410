using System.Text.Json;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Safetensors;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Export;

/// <summary>
/// Writes a model as a Hugging Face checkpoint folder (config.json, model.safetensors or shards, and the tokenizer files:
/// a recipe's <see cref="ExportedTokenizer"/>, or those of a source folder copied as they are). LoRA adapters are merged on the way out (W + s·B·A) without changing the
/// in-memory model. The folder is assembled beside the target and swapped into place (<see cref="ExportFolder"/>):
/// a target that holds anything but an earlier export is refused, never deleted.
/// </summary>
public static class HfCheckpointWriter
{
    /// <summary>Tokenizer and generation files carried over from the base folder when present.</summary>
    public static readonly string[] TokenizerFiles =
        ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json", "tokenizer.model", "vocab.json", "merges.txt", "added_tokens.json", "chat_template.jinja"];

    /// <summary>Writes <paramref name="model"/> (adapters merged) to <paramref name="folder"/> with the tokenizer files of
    /// <paramref name="tokenizer"/>, or else those of <paramref name="tokenizerSourceDir"/> copied unchanged.</summary>
    /// <param name="inputs">Folders the export reads (base model, adapter, checkpoint): the target may be none of them nor hold one.</param>
    public static void Save(string folder, LlamaForCausalLM model, string? tokenizerSourceDir, ExportedTokenizer? tokenizer = null,
        SafetensorsDType dtype = SafetensorsDType.F32, IEnumerable<string?>? inputs = null, string kind = "hf-checkpoint")
    {
        ExportFolder.Replace(folder, tmp => WriteInto(tmp, model, tokenizerSourceDir, tokenizer, dtype),
            (inputs ?? []).Append(tokenizerSourceDir), kind);
    }

    private static void WriteInto(string tmp, LlamaForCausalLM model, string? tokenizerSourceDir, ExportedTokenizer? tokenizer,
        SafetensorsDType dtype)
    {
        var entries = new List<SafetensorsWriteEntry>();
        var merged = model.Projections().Where(p => p.Layer.Lora is not null).ToDictionary(p => p.Layer.Name + ".weight", p => p.Layer);
        using (torch.no_grad())
        {
            foreach (var (name, t) in model.NamedParameters())
            {
                using var scope = torch.NewDisposeScope();
                var value = merged.TryGetValue(name, out var layer) ? t.add(layer.Lora!.DeltaWeight()) : t;
                entries.Add(TensorSafetensors.ToEntry(name, value, dtype));
            }
        }
        SafetensorsWriter.WriteCheckpoint(tmp, entries);
        var config = model.Config.ToJson();
        config["torch_dtype"] = dtype switch { SafetensorsDType.BF16 => "bfloat16", SafetensorsDType.F16 => "float16", _ => "float32" };
        AtomicFile.WriteAllText(Path.Combine(tmp, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (tokenizer is not null) tokenizer.WriteInto(tmp);
        else if (tokenizerSourceDir is not null && Directory.Exists(tokenizerSourceDir))
            foreach (var f in TokenizerFiles)
                if (File.Exists(Path.Combine(tokenizerSourceDir, f))) File.Copy(Path.Combine(tokenizerSourceDir, f), Path.Combine(tmp, f), true);
    }
}
