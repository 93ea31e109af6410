using System.CommandLine;
using DeclarativeSft.Recipes;

namespace DeclarativeSft.Cli.Commands;

/// <summary>
/// <c>sft validate &lt;recipe.sft.yaml&gt;</c>: the build's recipe checks for scripts and CI — same validator, same
/// MSBuild-format lines (<c>file(line,col): error SFT0003: …</c>), exit code 1 when any error was found.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var recipe = new Argument<FileInfo>("recipe") { Description = "Path of the recipe (recipe.sft.yaml)." };
        var command = new Command("validate", "Check a recipe, its model folder and its data files as the build does.") { recipe };
        command.SetAction(parse => Run(parse.GetValue(recipe)!));
        return command;
    }

    public static int Run(FileInfo recipe)
    {
        if (!recipe.Exists)
        {
            Console.Error.WriteLine($"{recipe.FullName}: error: recipe file not found. Pass the path of a recipe.sft.yaml.");
            return 1;
        }
        var diagnostics = RecipeValidator.Validate(recipe.FullName, new DiskRecipeFiles());
        foreach (var d in diagnostics)
            (d.Severity == RecipeSeverity.Error ? Console.Error : Console.Out).WriteLine(d.ToString());
        int errors = diagnostics.Count(d => d.Severity == RecipeSeverity.Error);
        int warnings = diagnostics.Count(d => d.Severity == RecipeSeverity.Warning);
        Console.Out.WriteLine(errors == 0
            ? $"{recipe.Name}: valid ({warnings} warning(s))."
            : $"{recipe.Name}: {errors} error(s), {warnings} warning(s).");
        return errors == 0 ? 0 : 1;
    }
}
