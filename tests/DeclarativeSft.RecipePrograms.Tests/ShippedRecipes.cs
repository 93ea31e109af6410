using DeclarativeSft.Recipes;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>The shipped recipes, parsed from recipes/&lt;name&gt;/recipe.sft.yaml exactly as the build parses them.</summary>
internal static class ShippedRecipes
{
    public static readonly string[] Names = ["code-assistant", "chat-lora", "alpaca-instruct", "custom-tokens", "forgetting-safe"];

    public static string RecipePath(string name) => Path.Combine(RepoPaths.Recipe(name), "recipe.sft.yaml");

    /// <summary>Parses a recipe file; fails the test with the diagnostics when it has errors.</summary>
    public static RecipeSpec Load(string recipePath)
    {
        var parsed = RecipeParser.Parse(recipePath, File.ReadAllText(recipePath));
        var errors = parsed.Diagnostics.Where(d => d.Severity == RecipeSeverity.Error).ToList();
        Assert.True(parsed.Spec is not null && errors.Count == 0, $"{recipePath} does not parse:\n{string.Join("\n", errors)}");
        return parsed.Spec!;
    }

    /// <summary>The recipe's components as its generated program constructs them (code-assistant names a class of its
    /// own project); null for recipes that name only built-ins.</summary>
    public static Func<RecipeSpec, DeclarativeSft.Runtime.Components.RecipeComponents>? Components(string name) =>
        name == "code-assistant" ? DeclarativeSft.Recipes.Generated.CodeAssistantRecipe.CreateComponents : null;
}
