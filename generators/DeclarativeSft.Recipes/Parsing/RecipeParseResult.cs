namespace DeclarativeSft.Recipes;

/// <summary>A module name in lora.target_modules / modules_to_save that no supported architecture has.</summary>
/// <param name="Key">lora.target_modules or lora.modules_to_save.</param>
public readonly record struct UnresolvedModuleName(string Key, string Name, int Line, int Column);

/// <summary>
/// What parsing a recipe yields: the spec (null when errors leave no usable recipe), where each key sits, the
/// diagnostics so far, and module names left for the model-folder check to report against the real architecture.
/// </summary>
public sealed record RecipeParseResult(
    RecipeSpec? Spec,
    RecipeSourceMap Map,
    EquatableArray<RecipeDiagnostic> Diagnostics,
    EquatableArray<UnresolvedModuleName> UnresolvedModules);
