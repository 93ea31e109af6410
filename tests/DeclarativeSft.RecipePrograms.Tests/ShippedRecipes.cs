using DeclarativeSft.Recipes;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>The shipped recipes, parsed from recipes/&lt;name&gt;/recipe.sft.yaml exactly as the build parses them.</summary>
internal static class ShippedRecipes
{
    public static readonly string RepoRoot = FindRepoRoot();

    public static readonly string[] Names = ["code-assistant", "chat-lora", "alpaca-instruct", "custom-tokens", "forgetting-safe"];

    public static string RecipePath(string name) => Path.Combine(RepoRoot, "recipes", name, "recipe.sft.yaml");

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

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeclarativeSft.sln")))
                return dir.FullName;
        throw new InvalidOperationException("DeclarativeSft.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder deleted at the end of a test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sft-recipe-test-" + Guid.NewGuid().ToString("N")[..8]);

    public TempFolder() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
