using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using DeclarativeSft.Recipes;

namespace DeclarativeSft.Generators;

/// <summary>
/// Each pipeline step's body, wrapped so that the generator never throws: an internal failure becomes an SFT0035
/// diagnostic at the recipe instead of a crashed generator (which would hide every other error).
/// </summary>
internal static class GeneratorSafety
{
    public static RecipeParseResult Parse(RecipeSource source)
    {
        var emptyMap = new RecipeSourceMap(source.Path, EquatableArray<RecipeNodeLocation>.Empty);
        if (source.Text is null)
            return Failed(source.Path, emptyMap, "the recipe file could not be read");
        try
        {
            return RecipeParser.Parse(source.Path, source.Text);
        }
        catch (Exception ex)
        {
            return Failed(source.Path, emptyMap, ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static RecipeParseResult Failed(string path, RecipeSourceMap map, string why) =>
        new(null, map, EquatableArray.Of(RecipeDiagnostics.InternalError.At(path, SourcePosition.Start, why)), EquatableArray<UnresolvedModuleName>.Empty);

    /// <summary>The file as a tokenizer file (text + content hash) when some recipe reads it as one; else null.</summary>
    public static TokenizerFileText? TokenizerText(ReferencedFileText file, EquatableArray<FileRequirement> requirements)
    {
        if (file.Text is null) return null;
        foreach (var req in requirements)
            if (req.Kind is ReferencedFileKind.TokenizerJson or ReferencedFileKind.TokenizerConfig && SamePath(req.Path, file.Path))
                return TokenizerFileText.Of(file.Path, file.Text);
        return null;
    }

    public static FileCheckBatch CheckFile(ReferencedFileText file, EquatableArray<FileRequirement> requirements, EquatableArray<TokenizerFileText> tokenizerFiles)
    {
        var results = new List<FileCheckResult>();
        foreach (var req in requirements)
        {
            if (!SamePath(req.Path, file.Path)) continue;
            RecipeTokenizerFiles tokenizer;
            try { tokenizer = RecipeFileRequirements.TokenizerFilesFor(req.Spec, tokenizerFiles); }
            catch (Exception) { tokenizer = RecipeTokenizerFiles.None; }
            results.Add(ReferencedFileCheck.Check(req, file.Text, tokenizer)); // itself never throws
        }
        return results.Count == 0 ? FileCheckBatch.Empty : new FileCheckBatch(results.ToEquatableArray());
    }

    public static FileCheckBatch CheckMissing(EquatableArray<FileRequirement> requirements, ImmutableArray<string> present, EquatableArray<NotRegularInput> notRegular)
    {
        var results = new List<FileCheckResult>();
        foreach (var req in requirements)
            if (!present.Any(p => SamePath(p, req.Path)))
                results.Add(ReferencedFileCheck.Check(req, null, RecipeTokenizerFiles.None,
                    notRegular.FirstOrDefault(n => SamePath(n.Path, req.Path))?.Kind));
        return results.Count == 0 ? FileCheckBatch.Empty : new FileCheckBatch(results.ToEquatableArray());
    }

    public static DiagnosticBatch CrossCheck(RecipeParseResult parsed, ImmutableArray<FileCheckBatch> files, FileCheckBatch missing)
    {
        try
        {
            if (parsed.Spec is null) return DiagnosticBatch.Empty;
            var results = files.SelectMany(b => b.Results).Concat(missing.Results);
            var diagnostics = RecipeCrossChecks.Check(parsed, results);
            return diagnostics.Count == 0 ? DiagnosticBatch.Empty : new DiagnosticBatch(diagnostics.ToEquatableArray());
        }
        catch (Exception ex)
        {
            return new DiagnosticBatch(EquatableArray.Of(RecipeDiagnostics.InternalError.At(parsed.Map.RecipePath, SourcePosition.Start, ex.GetType().Name + ": " + ex.Message)));
        }
    }

    public static BoundRecipe Bind(RecipeParseResult parsed, ComponentCatalog catalog)
    {
        try
        {
            return new BoundRecipe(parsed, parsed.Spec is null ? ComponentBinding.Empty : ComponentBinder.Bind(parsed.Spec, parsed.Map, catalog));
        }
        catch (Exception ex)
        {
            return new BoundRecipe(parsed, ComponentBinding.Empty with
            {
                Diagnostics = EquatableArray.Of(RecipeDiagnostics.InternalError.At(parsed.Map.RecipePath, SourcePosition.Start, ex.GetType().Name + ": " + ex.Message)),
            });
        }
    }

    public static GeneratedRecipeSource? Emit(EmitRequest request)
    {
        bool entryPoint = request.Traits.IsExe && request.IsFirstRecipe;
        try
        {
            // A recipe with errors still gets a Main, so the build shows only the recipe's errors (not CS5001).
            if (request.Spec is null) return entryPoint ? RecipeEmitter.EmitPlaceholderEntryPoint(request.RecipePath) : null;
            return RecipeEmitter.Emit(request.Spec, request.Components, entryPoint, request.Traits.HasRuntime);
        }
        catch (Exception)
        {
            // The recipe parsed; failing to emit is our bug. Emit nothing rather than broken code; the missing
            // class shows up as a compile error naming it.
            return null;
        }
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(a, b, System.IO.Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
