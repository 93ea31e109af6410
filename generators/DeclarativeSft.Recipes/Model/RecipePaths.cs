using System;
using System.Linq;

namespace DeclarativeSft.Recipes;

/// <summary>
/// The paths of a <see cref="RecipeSpec"/> (recipe file and folder, model, tokenizer, data, output), in one place:
/// the generated program holds them relative to the recipe folder (<see cref="RelativeToRecipe"/>) and resolves them
/// against the folder it runs for (<see cref="ResolvedAgainst"/>), so a built or published program can move.
/// </summary>
public static class RecipePaths
{
    /// <summary><paramref name="spec"/> with every path relative to its recipe folder ('/' separators; the folder is ".").</summary>
    public static RecipeSpec RelativeToRecipe(RecipeSpec spec) =>
        Map(spec, path => PathResolver.Relative(spec.RecipeDirectory, path));

    /// <summary><paramref name="spec"/> with every relative path resolved against <paramref name="recipeDirectory"/>.</summary>
    public static RecipeSpec ResolvedAgainst(RecipeSpec spec, string recipeDirectory) =>
        Map(spec, path => PathResolver.Resolve(recipeDirectory, path));

    /// <summary>Every path of <paramref name="spec"/> passed through <paramref name="map"/>; all other values kept.</summary>
    public static RecipeSpec Map(RecipeSpec spec, Func<string, string> map) => spec with
    {
        RecipePath = map(spec.RecipePath),
        RecipeDirectory = map(spec.RecipeDirectory),
        Model = spec.Model with { Path = MapOrNull(spec.Model.Path, map) },
        Tokenizer = spec.Tokenizer with { Path = MapOrNull(spec.Tokenizer.Path, map) },
        Data = spec.Data with
        {
            Train = spec.Data.Train.Select(source => source with { Path = map(source.Path) }).ToEquatableArray(),
            Validation = spec.Data.Validation is { } validation ? validation with { Path = MapOrNull(validation.Path, map) } : null,
        },
        Output = spec.Output with { Dir = map(spec.Output.Dir), ResumePath = MapOrNull(spec.Output.ResumePath, map) },
    };

    private static string? MapOrNull(string? path, Func<string, string> map) => path is null ? null : map(path);
}
