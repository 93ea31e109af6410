using DeclarativeSft.Recipes;
using static DeclarativeSft.Recipes.Tests.Fixtures.RecipeFixture;

namespace DeclarativeSft.Recipes.Tests.Paths;

/// <summary>The generated program's paths: relative to the recipe folder, resolved where the program runs.</summary>
public class RecipePathsTests
{
    private static string At(params string[] parts) => Path.Combine([Root, .. parts]);

    [Fact]
    public void Paths_inside_or_beside_the_recipe_folder_become_relative_with_forward_slashes()
    {
        string recipe = At("r");
        Assert.Equal("data/train.jsonl", PathResolver.Relative(recipe, At("r", "data", "train.jsonl")));
        Assert.Equal("../models/m", PathResolver.Relative(recipe, At("models", "m")));
        Assert.Equal(".", PathResolver.Relative(recipe, recipe));
        Assert.Equal("out/demo", PathResolver.Relative(recipe, At("r", "out", "demo") + Path.DirectorySeparatorChar));
        Assert.Equal("data/x.jsonl", PathResolver.Relative(recipe, "data/x.jsonl"));
    }

    [Fact]
    public void A_path_that_meets_the_recipe_folder_only_at_the_root_stays_absolute()
    {
        // /opt/models/m from /sft/r names a place on the machine, not one next to the recipe.
        string elsewhere = Path.Combine(Path.GetPathRoot(Root)!, "opt", "models", "m");
        Assert.Equal(elsewhere, PathResolver.Relative(At("r"), elsewhere));
    }

    [Fact]
    public void Relative_then_resolved_against_the_same_folder_is_the_parsed_spec_and_against_another_moves_with_it()
    {
        var parsed = RecipeParser.Parse(RecipePath, Recipe).Spec!;
        var relative = RecipePaths.RelativeToRecipe(parsed);
        Assert.Equal(parsed, RecipePaths.ResolvedAgainst(relative, parsed.RecipeDirectory));
        Assert.All(new[] { relative.RecipePath, relative.RecipeDirectory, relative.Output.Dir }.Concat(relative.Data.TrainPaths),
            p => Assert.False(Path.IsPathRooted(p), $"{p} is absolute"));

        var moved = RecipePaths.ResolvedAgainst(relative, At("moved"));
        Assert.Equal(At("moved", "recipe.sft.yaml"), moved.RecipePath);
        Assert.Equal(At("moved", "data", "train.jsonl"), moved.Data.Train[0].Path);
        Assert.Equal(At("moved"), moved.RecipeDirectory);
    }
}
