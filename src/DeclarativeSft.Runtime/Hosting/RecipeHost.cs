using System.CommandLine;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Commands;
using DeclarativeSft.Runtime.Components;

namespace DeclarativeSft.Runtime.Hosting;

/// <summary>
/// The command line of every generated recipe program: <c>train</c> (default) | <c>inspect</c> | <c>eval</c> |
/// <c>generate</c> | <c>export</c>, with the run overrides. The generated <c>Main</c> is one call to <see cref="Run"/>.
/// </summary>
public static class RecipeHost
{
    /// <summary>The generated program's entry: parses <paramref name="args"/>, resolves the recipe's paths against its
    /// folder (<see cref="RecipeFolder"/>) and runs the command with the recipe's components (constructed by
    /// <paramref name="createComponents"/>, the generated code, only once a command runs).</summary>
    /// <param name="spec">The generated recipe, its paths relative to the recipe folder.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(RecipeSpec spec, Func<RecipeSpec, RecipeComponents> createComponents, string[] args) =>
        Run(spec, args, (relative, options) =>
        {
            var resolved = RecipeFolder.Resolve(relative, options.RecipeDir, out string? missing);
            if (missing is not null)
            {
                Console.Error.WriteLine(missing);
                return 1;
            }
            int? heldOutItems = int.TryParse(Environment.GetEnvironmentVariable(RecipeCommands.HeldOutItemsVariable), out var n) ? n : null;
            return RecipeCommands.Run(resolved, options, Console.Out, Console.Error, heldOutItems, createComponents);
        });

    /// <summary>Parses <paramref name="args"/> and hands the options to <paramref name="runner"/> (tests, tools).</summary>
    public static int Run(RecipeSpec spec, string[] args, Func<RecipeSpec, RecipeRunOptions, int> runner)
    {
        var root = CreateCommand(spec, runner);
        return root.Parse(args).Invoke();
    }

    /// <summary>Parses <paramref name="args"/> into options without running anything; null when they are invalid.</summary>
    public static RecipeRunOptions? ParseOptions(RecipeSpec spec, string[] args)
    {
        RecipeRunOptions? parsed = null;
        var root = CreateCommand(spec, (_, options) => { parsed = options; return 0; });
        var result = root.Parse(args);
        if (result.Errors.Count > 0) return null;
        result.Invoke();
        return parsed;
    }

    /// <summary>The command line's errors for <paramref name="args"/> (empty when they parse), as the program prints them.</summary>
    public static IReadOnlyList<string> Errors(RecipeSpec spec, string[] args) =>
        CreateCommand(spec, (_, _) => 0).Parse(args).Errors.Select(e => e.Message).ToList();

    private static RootCommand CreateCommand(RecipeSpec spec, Func<RecipeSpec, RecipeRunOptions, int> runner)
    {
        var maxSteps = new Option<int?>("--max-steps") { Description = "Stop after this many optimizer steps (overrides training.max_steps)." };
        var output = new Option<string?>("--output") { Description = "Output folder (overrides output.dir)." };
        var device = new Option<string?>("--device") { Description = "auto | cpu | cuda | cuda:N (overrides training.device)." };
        var seed = new Option<int?>("--seed") { Description = "Random seed (overrides training.seed)." };
        var resume = new Option<string?>("--resume") { Description = "auto | never | <checkpoint folder> (overrides output.resume_from_checkpoint)." };
        var count = new Option<int?>("--count") { Description = "Number of examples to show." };
        var prompt = new Option<string?>("--prompt") { Description = "User message to answer." };
        var recipeDir = new Option<string?>("--recipe-dir") { Description = "Folder of the recipe (recipe.sft.yaml and the files it names); default: the working directory." };
        // The same ranges as the recipe keys they override (training.max_steps ≥ 1, training.seed ≥ 0).
        maxSteps.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is int v && v < 1)
                r.AddError($"--max-steps is {v}, but must be at least 1 (like training.max_steps). Leave it out to train as the recipe says.");
        });
        seed.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is int v && v < 0)
                r.AddError($"--seed is {v}, but must be 0 or more (like training.seed).");
        });
        Option[] common = [maxSteps, output, device, seed, resume, recipeDir];

        RecipeRunOptions Read(ParseResult r, RecipeCommand command) => new(
            command,
            r.GetValue(maxSteps),
            r.GetValue(output),
            r.GetValue(device),
            r.GetValue(seed),
            r.GetValue(resume),
            command == RecipeCommand.Inspect ? r.GetValue(count) : null,
            command == RecipeCommand.Generate ? r.GetValue(prompt) : null,
            r.GetValue(recipeDir));

        Command Sub(string name, string description, RecipeCommand kind, params Option[] extra)
        {
            var command = new Command(name, description);
            foreach (var option in common.Concat(extra)) command.Options.Add(option);
            command.SetAction(r => runner(spec, Read(r, kind)));
            return command;
        }

        var root = new RootCommand($"Recipe '{spec.Name}' ({spec.RecipePath}). Without a subcommand: train.");
        foreach (var option in common) root.Options.Add(option);
        root.SetAction(r => runner(spec, Read(r, RecipeCommand.Train)));
        root.Subcommands.Add(Sub("train", "Fine-tune the model as the recipe says.", RecipeCommand.Train));
        root.Subcommands.Add(Sub("inspect", "Show tokenized examples with trained tokens marked.", RecipeCommand.Inspect, count));
        root.Subcommands.Add(Sub("eval", "Evaluate on the validation data.", RecipeCommand.Eval));
        root.Subcommands.Add(Sub("generate", "Answer a prompt with the trained model.", RecipeCommand.Generate, prompt));
        root.Subcommands.Add(Sub("export", "Write the trained model in the formats of output.save.", RecipeCommand.Export));
        return root;
    }
}
