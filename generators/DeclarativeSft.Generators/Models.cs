using System.Linq;
using DeclarativeSft.Recipes;

namespace DeclarativeSft.Generators;

/// <summary>A recipe file's path and text, as read from AdditionalFiles.</summary>
internal sealed record RecipeSource(string Path, string? Text);

/// <summary>A non-recipe AdditionalFiles item (data, config.json, tokenizer files): path and text.</summary>
internal sealed record ReferencedFileText(string Path, string? Text);

/// <summary>Diagnostics to report, as values.</summary>
internal sealed record DiagnosticBatch(EquatableArray<RecipeDiagnostic> Diagnostics)
{
    public static DiagnosticBatch Empty { get; } = new(EquatableArray<RecipeDiagnostic>.Empty);
}

/// <summary>What the compilation is: an executable (needs Main) and whether it references the training runtime.</summary>
internal sealed record CompilationTraits(bool IsExe, bool HasRuntime);

/// <summary>What the emitter needs: the spec (null when the recipe has errors), its components and the entry point to write.</summary>
internal sealed record EmitRequest(string RecipePath, RecipeSpec? Spec, ComponentBinding Components, CompilationTraits Traits, bool IsFirstRecipe);

/// <summary>A parsed recipe with its component names bound to the project's classes.</summary>
internal sealed record BoundRecipe(RecipeParseResult Parsed, ComponentBinding Components);

/// <summary>Generated source: hint name and text.</summary>
internal sealed record GeneratedRecipeSource(string HintName, string Text);

/// <summary>Results of checking referenced files (one file's requirements, or all missing files).</summary>
internal sealed record FileCheckBatch(EquatableArray<FileCheckResult> Results)
{
    public static FileCheckBatch Empty { get; } = new(EquatableArray<FileCheckResult>.Empty);

    public EquatableArray<RecipeDiagnostic> Diagnostics => Results.SelectMany(r => r.Diagnostics).ToEquatableArray();
}
