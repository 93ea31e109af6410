using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DeclarativeSft.Cli.Commands;

/// <summary>
/// <c>sft new &lt;name&gt;</c>: scaffolds a recipe project (csproj, recipe.sft.yaml with the schema modeline, a sample
/// data file) under the checkout's <c>recipes/</c> folder, where Directory.Build.props/targets import DeclarativeSft.Sdk's
/// wiring from source (the generator, the runtime, the torch backend). The scaffold builds with zero diagnostics and
/// trains as it is. Outside a checkout, <c>dotnet new sft-recipe</c> (DeclarativeSft.Templates) makes the same kind of
/// project on the DeclarativeSft.Sdk package.
/// </summary>
internal static partial class NewCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Recipe name in kebab-case, e.g. support-bot (→ class SupportBotRecipe)." };
        var dir = new Option<DirectoryInfo?>("--dir") { Description = "Parent folder: the recipes/ folder of a DeclarativeSft checkout or a folder inside it (default: recipes/ of the checkout around the current directory)." };
        var command = new Command("new", "Create a new recipe project that builds and trains as it is.") { name, dir };
        command.SetAction(parse => Run(parse.GetValue(name)!, parse.GetValue(dir), Console.Out, Console.Error));
        return command;
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();

    public static int Run(string name, DirectoryInfo? parent, TextWriter stdout, TextWriter stderr)
    {
        if (!KebabCase().IsMatch(name))
        {
            stderr.WriteLine($"sft new: error: '{name}' is not a valid recipe name. Use lowercase letters, digits and dashes, starting with a letter (e.g. support-bot).");
            return 1;
        }
        string? recipesDir = parent?.FullName ?? FindRecipesFolder(Directory.GetCurrentDirectory());
        if (parent is not null && !IsInsideRecipesFolder(parent))
        {
            // A recipe project gets its target framework, the generator and the runtime from the checkout's
            // Directory.Build.props/targets, which apply only under recipes/: anywhere else the one-line csproj cannot build.
            stderr.WriteLine($"sft new: error: --dir {parent.FullName} is not an existing folder under the recipes/ folder of a DeclarativeSft checkout " +
                             "(recipe projects get the generator and runtime from the checkout's Directory.Build files). Pass <checkout>/recipes or a folder inside it.");
            return 1;
        }
        if (recipesDir is null)
        {
            stderr.WriteLine("sft new: error: no DeclarativeSft checkout (a folder with DeclarativeSft.sln and recipes/) around the current directory. " +
                             "Run inside the checkout or pass --dir <checkout>/recipes.");
            return 1;
        }
        string target = Path.Combine(recipesDir, name);
        if (Directory.Exists(target) || File.Exists(target))
        {
            stderr.WriteLine($"sft new: error: {target} already exists; nothing was changed. Pick another name or remove that folder.");
            return 1;
        }

        // Build the whole project in a temporary sibling folder, then rename: an interrupted `sft new` leaves nothing half-made.
        string staging = Path.Combine(recipesDir, $".{name}.tmp-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(Path.Combine(staging, "data"));
            File.WriteAllText(Path.Combine(staging, name + ".csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\" />\n");
            File.WriteAllText(Path.Combine(staging, "recipe.sft.yaml"), RecipeText(name, SchemaPath(target)));
            File.WriteAllText(Path.Combine(staging, "data", "train.jsonl"), SampleData());
            Directory.Move(staging, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            stderr.WriteLine($"sft new: error: could not create {target}: {e.Message}");
            return 1;
        }

        stdout.WriteLine($"Created {target}");
        stdout.WriteLine($"  build (validates the recipe and its data): dotnet build {Path.GetRelativePath(Directory.GetCurrentDirectory(), target)}");
        stdout.WriteLine($"  train:                                      dotnet run --project {Path.GetRelativePath(Directory.GetCurrentDirectory(), target)}");
        return 0;
    }

    private static string? FindRecipesFolder(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeclarativeSft.sln")) && Directory.Exists(Path.Combine(dir.FullName, "recipes")))
                return Path.Combine(dir.FullName, "recipes");
        return null;
    }

    private static bool IsInsideRecipesFolder(DirectoryInfo dir)
    {
        if (!dir.Exists) return false;
        string? recipes = FindRecipesFolder(dir.FullName);
        if (recipes is null) return false;
        string relative = Path.GetRelativePath(recipes, dir.FullName);
        return relative == "." || !(relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative));
    }

    private static string SchemaPath(string target)
    {
        string schema = Path.Combine(FindRecipesFolder(target)!, "recipe.schema.json");
        return Path.GetRelativePath(target, schema).Replace('\\', '/');
    }

    private static string RecipeText(string name, string schemaPath) => $$"""
        # yaml-language-server: $schema={{schemaPath}}
        #
        # A new recipe: a tiny model trained from scratch on data/train.jsonl so that it runs anywhere.
        # To fine-tune a real checkpoint instead, replace `model.init` with `model.path: <HF folder>`,
        # set `tokenizer: model` and `template.format: from-tokenizer`, and add a `lora:` block.
        # `dotnet build` checks every key, value and data line; `dotnet run` trains.

        name: {{name}}

        model:
          init: { preset: tiny, seed: 1 }

        tokenizer: builtin:bytes

        template:
          format: chatml
          system: "You are a helpful assistant."

        mask:
          train_on: assistant
          train_eos: true

        data:
          train: data/train.jsonl
          format: messages
          validation: { split: 0.1 }
          max_seq_len: 256
          truncation: drop
          packing: true

        training:
          epochs: 2
          micro_batch_size: 4
          gradient_accumulation_steps: 1
          learning_rate: 1.0e-3   # from-scratch rate; use 1e-4..3e-4 for LoRA on a pretrained model
          lr_scheduler: cosine
          warmup_ratio: 0.05
          max_grad_norm: 1.0
          seed: 42

        eval:
          every_steps: 20
          max_new_tokens: 64
          samples: ["What is 3 plus 4?"]

        output:
          dir: out/{{name}}
          save: [full]
          checkpoint_every_steps: 100
          resume_from_checkpoint: auto

        """;

    /// <summary>The template's starter data (src/DeclarativeSft.Templates/content/sft-recipe/data/train.jsonl, embedded):
    /// a few dozen arithmetic chats with answers of varied length, enough for the split, the batch size and the warmup
    /// to be valid and clean under the dataset checks.</summary>
    private static string SampleData()
    {
        using var stream = typeof(NewCommand).Assembly.GetManifestResourceStream("DeclarativeSft.Cli.StarterData.jsonl")
            ?? throw new InvalidOperationException("the starter data resource is missing from sft.dll");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
