using System.CommandLine;
using DeclarativeSft.Runtime;
using DeclarativeSft.Runtime.Export;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Safetensors;
using DeclarativeSft.Torch;

namespace DeclarativeSft.Cli.Commands;

/// <summary><c>sft merge --base DIR --adapter DIR --output DIR</c>: a LoRA adapter merged into its base, written as a
/// Hugging Face checkpoint folder (config.json, model.safetensors, tokenizer files of the base).</summary>
internal static class MergeCommand
{
    public static Command Create() => Build("merge",
        "Merge a LoRA adapter (PEFT folder or a LoRA training checkpoint) into its base model; write an HF checkpoint folder", "--adapter");

    /// <summary>Shared by <c>merge</c> and <c>export</c>: they differ only in the name of the adapter option.</summary>
    internal static Command Build(string name, string description, string adapterOption)
    {
        var baseDir = new Option<DirectoryInfo>("--base") { Description = "Base model folder (config.json + safetensors + tokenizer files)", Required = true };
        var adapter = new Option<DirectoryInfo>(adapterOption) { Description = "PEFT adapter folder (adapter_config.json + adapter_model.safetensors) or checkpoints/step-N", Required = true };
        var output = new Option<DirectoryInfo>("--output") { Description = "Folder to write the merged checkpoint to: new, empty, or an earlier export (replaced atomically; any other folder is refused)", Required = true };
        var dtype = new Option<string>("--dtype") { Description = "Stored dtype: float32 | bfloat16 | float16", DefaultValueFactory = _ => "float32" };
        var command = new Command(name, description) { baseDir, adapter, output, dtype };
        command.SetAction(parse =>
        {
            var st = parse.GetValue(dtype) switch
            {
                "float32" => (SafetensorsDType?)SafetensorsDType.F32,
                "bfloat16" => SafetensorsDType.BF16,
                "float16" => SafetensorsDType.F16,
                _ => null,
            };
            if (st is null)
            {
                Console.Error.WriteLine($"sft {name}: --dtype must be float32, bfloat16 or float16.");
                return 1;
            }
            try
            {
                TorchRuntime.EnsureInitialized();
                var b = parse.GetValue(baseDir)!.FullName;
                var adapterDir = parse.GetValue(adapter)!.FullName;
                var outDir = parse.GetValue(output)!.FullName;
                // Refuse a folder we must not replace before the (slow) load: the base, the adapter, a user's folder, /.
                ExportFolder.CheckTarget(outDir, [b, adapterDir]);
                using var model = LlamaForCausalLM.FromPretrained(b);
                var spec = PeftAdapter.Load(adapterDir, model);
                HfCheckpointWriter.Save(outDir, model, b, dtype: st.Value, inputs: [b, adapterDir], kind: name);
                Console.WriteLine($"merged LoRA r={spec.R} alpha={spec.Alpha} into {b}; wrote {outDir}");
                return 0;
            }
            catch (UserErrorException e)
            {
                Console.Error.WriteLine($"sft {name}: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
