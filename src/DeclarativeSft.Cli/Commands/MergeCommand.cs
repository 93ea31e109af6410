using System.CommandLine;
using DeclarativeSft.Data;
using DeclarativeSft.Jinja;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime;
using DeclarativeSft.Runtime.Commands;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Export;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Safetensors;
using DeclarativeSft.Runtime.Session;
using DeclarativeSft.Tokenizers;
using DeclarativeSft.Torch;

namespace DeclarativeSft.Cli.Commands;

/// <summary><c>sft merge --base DIR --adapter DIR --output DIR</c>: a LoRA adapter merged into its base, written as a
/// Hugging Face checkpoint folder (config.json, model.safetensors and tokenizer files). The tokenizer files are, in this
/// order: the recipe's (<c>--recipe</c>: its added tokens, its template as chat_template, its end-of-turn token as EOS,
/// proven on its training data as a recipe's own export is), the adapter folder's (a recipe's adapter/ export carries
/// them), or the base's unchanged.</summary>
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
        var recipe = new Option<FileInfo?>("--recipe")
        {
            Description = "The recipe.sft.yaml the adapter was trained with: the output gets its tokenizer files (added tokens, chat_template, eos), " +
                          "checked on its training data. Without it: the adapter folder's tokenizer files if it has them, else the base's",
        };
        var command = new Command(name, description) { baseDir, adapter, output, dtype, recipe };
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
                ExportedTokenizer? tokenizer = null;
                string tokenizerSource = b;
                if (parse.GetValue(recipe) is { } recipeFile)
                {
                    if (RecipeTokenizerFiles(recipeFile, name) is not { } files) return 1;
                    tokenizer = files;
                }
                else if (File.Exists(Path.Combine(adapterDir, "tokenizer.json")) && File.Exists(Path.Combine(adapterDir, "tokenizer_config.json")))
                    tokenizerSource = adapterDir;
                else
                    Console.WriteLine($"note: {adapterDir} has no tokenizer files, so the base's are copied unchanged; if the adapter was trained with another " +
                                      "template or added tokens, pass --recipe so the output prompts and tokenizes as in training");
                using var model = LlamaForCausalLM.FromPretrained(b);
                var spec = PeftAdapter.Load(adapterDir, model);
                HfCheckpointWriter.Save(outDir, model, tokenizerSource, tokenizer, dtype: st.Value, inputs: [b, adapterDir], kind: name);
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

    /// <summary>The recipe's proven tokenizer files, or null after printing its errors.</summary>
    private static ExportedTokenizer? RecipeTokenizerFiles(FileInfo recipeFile, string command)
    {
        if (!recipeFile.Exists)
        {
            Console.Error.WriteLine($"sft {command}: {recipeFile.FullName}: recipe file not found. Pass the recipe.sft.yaml the adapter was trained with.");
            return null;
        }
        var parsed = RecipeParser.Parse(recipeFile.FullName, File.ReadAllText(recipeFile.FullName));
        if (parsed.Spec is not RecipeSpec spec)
        {
            foreach (var d in parsed.Diagnostics.Where(d => d.Severity == RecipeSeverity.Error)) Console.Error.WriteLine(d.ToString());
            Console.Error.WriteLine($"sft {command}: fix the errors of {recipeFile.Name} above (see `sft validate`), then run again.");
            return null;
        }
        if (spec.Data.Transform is not null)
        {
            // The proof renders training examples, which are the transformed ones; sft cannot construct the recipe's class.
            Console.Error.WriteLine($"sft {command}: {RecipeComponents.TransformNeedsProgram(spec, "export").Message}");
            return null;
        }
        var tokenizer = RecipeTextPipeline.CreateTokenizer(spec);
        var template = RecipeTextPipeline.CreateTemplate(spec, tokenizer);
        var masker = new LossMasker(tokenizer, template, RecipeTextPipeline.MaskOptions(spec));
        return RecipeExport.ProvenTokenizerFiles(spec, tokenizer, template, masker, RecipeTextPipeline.DataOptions(spec, spec.Training.Seed, transform: null), Console.Out);
    }
}
