using DeclarativeSft.Recipes;

namespace DeclarativeSft.Runtime.Hosting;

/// <summary>
/// Where a generated program finds its recipe's files at run time. The program holds the recipe's paths relative to
/// the recipe folder (the generator never bakes the build machine's folders in), and that folder is <c>--recipe-dir</c>
/// or else the working directory: <c>dotnet run</c> starts the program in its project folder (DeclarativeSft.Sdk sets
/// RunWorkingDirectory), and a built or published program is started from the recipe folder or given <c>--recipe-dir</c>.
/// </summary>
public static class RecipeFolder
{
    /// <summary>
    /// <paramref name="spec"/> with its paths resolved against <paramref name="recipeDir"/> (or the working directory).
    /// <paramref name="missing"/> is the message to print when an input the recipe names is not there, else null.
    /// </summary>
    public static RecipeSpec Resolve(RecipeSpec spec, string? recipeDir, out string? missing)
    {
        string folder = Path.GetFullPath(recipeDir ?? Directory.GetCurrentDirectory());
        var resolved = RecipePaths.ResolvedAgainst(spec, folder);
        missing = null;
        foreach (var (key, relative, path) in Inputs(spec, resolved))
        {
            if (File.Exists(path) || Directory.Exists(path)) continue;
            string where = recipeDir is null
                ? $"the working directory {folder}, which the program takes as the recipe folder"
                : $"--recipe-dir {folder}";
            missing = $"error: {PathResolver.FileName(spec.RecipePath)} names {relative} ({key}), which is not in {where} (looked for {path}). " +
                      (recipeDir is null
                          ? $"Run the program from the folder that holds {PathResolver.FileName(spec.RecipePath)} and its data, or pass --recipe-dir <that folder>."
                          : $"Pass the folder that holds {PathResolver.FileName(spec.RecipePath)} and its data.");
            return resolved;
        }
        return resolved;
    }

    /// <summary>The files and folders every command needs, as written (relative) and resolved.</summary>
    private static IEnumerable<(string Key, string Relative, string Path)> Inputs(RecipeSpec spec, RecipeSpec resolved)
    {
        for (int i = 0; i < spec.Data.Train.Count; i++)
            yield return ("data.train", spec.Data.Train[i].Path, resolved.Data.Train[i].Path);
        if (spec.Data.Validation?.Path is { } validation) yield return ("data.validation.path", validation, resolved.Data.Validation!.Path!);
        if (spec.Model.Path is { } model) yield return ("model.path", model, resolved.Model.Path!);
        if (spec.Tokenizer.Source == TokenizerSource.Path && spec.Tokenizer.Path is { } tokenizer)
            yield return ("tokenizer", tokenizer, resolved.Tokenizer.Path!);
    }
}
