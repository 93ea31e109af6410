using System.Linq;

namespace DeclarativeSft.Recipes;

/// <summary>Reports a LoRA target / modules_to_save name that the model does not have.</summary>
public static class ModuleNameCheck
{
    /// <summary>The diagnostic for <paramref name="name"/>; <paramref name="architecture"/> from config.json when known.</summary>
    public static RecipeDiagnostic Report(string recipePath, UnresolvedModuleName name, string? architecture)
    {
        var valid = name.Key.EndsWith("modules_to_save", System.StringComparison.Ordinal)
            ? RecipeNames.SavableModules.Select(m => m.Name).ToArray()
            : RecipeNames.LinearModules.Select(m => m.Name).Concat(new[] { "all-linear" }).ToArray();
        var arch = architecture ?? "a Llama-family decoder";
        return RecipeDiagnostics.UnknownLoraTarget.At(recipePath, new SourcePosition(name.Line, name.Column),
            name.Name, arch, Suggestions.DidYouMean(name.Name, valid), name.Key, Suggestions.List(valid));
    }
}
