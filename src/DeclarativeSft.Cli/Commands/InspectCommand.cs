using System.CommandLine;
using DeclarativeSft.Data;
using DeclarativeSft.Jinja;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Session;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Cli.Commands;

/// <summary>
/// <c>sft inspect &lt;recipe.sft.yaml&gt; [--count N] [--html out.html]</c>: the label view of a recipe's training
/// data — each token of the first N examples shown trained (highlighted) or masked (dim), with counts, totals
/// over all examples and warnings. Uses the recipe's own tokenizer, template, mask and data settings.
/// </summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var recipe = new Argument<FileInfo>("recipe") { Description = "Path of the recipe (recipe.sft.yaml)." };
        var count = new Option<int>("--count") { Description = "How many examples to show token by token.", DefaultValueFactory = _ => 3 };
        var html = new Option<FileInfo?>("--html") { Description = "Also write the view as a self-contained HTML page." };
        var command = new Command("inspect", "Show which tokens of the recipe's training data are trained (labels) and which are masked.")
        {
            recipe, count, html,
        };
        command.SetAction(parse => Run(parse.GetValue(recipe)!, parse.GetValue(count), parse.GetValue(html)));
        return command;
    }

    public static int Run(FileInfo recipeFile, int count, FileInfo? html)
    {
        if (!recipeFile.Exists)
        {
            Console.Error.WriteLine($"{recipeFile.FullName}: error: recipe file not found. Pass the path of a recipe.sft.yaml.");
            return 1;
        }
        var parsed = RecipeParser.Parse(recipeFile.FullName, File.ReadAllText(recipeFile.FullName));
        if (parsed.Spec is not RecipeSpec spec)
        {
            foreach (var d in parsed.Diagnostics.Where(d => d.Severity == RecipeSeverity.Error)) Console.Error.WriteLine(d.ToString());
            Console.Error.WriteLine($"{recipeFile.Name}: fix the errors above (see `sft validate`), then inspect again.");
            return 1;
        }
        try
        {
            // The transform is C# of the recipe project, which sft cannot construct; the files untransformed are not
            // what the recipe trains on, so the label view would mislead.
            if (spec.Data.Transform is not null) throw RecipeComponents.TransformNeedsProgram(spec, "inspect");
            var inspection = Inspect(spec, Math.Max(0, count));
            LabelViewWriter.WriteToConsole(inspection);
            if (html != null)
            {
                HtmlLabelView.Write(inspection, html.FullName);
                Console.Out.WriteLine($"wrote {html.FullName}");
            }
            return 0;
        }
        catch (UserErrorException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>The label view, built by the same mapping from recipe to tokenizer/template/mask/data that the
    /// generated recipe programs use (<see cref="RecipeTextPipeline"/>).</summary>
    internal static LabelInspection Inspect(RecipeSpec spec, int count) => RecipeTextPipeline.Inspect(spec, count, transform: null);
}
