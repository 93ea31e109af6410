using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace DeclarativeSft.Recipes;

/// <summary>
/// The whole validation of one recipe: parse, check every referenced file, cross-check counts. The CLI calls this;
/// the generator runs the same steps as separate cached pipeline stages.
/// </summary>
public static class RecipeValidator
{
    /// <summary>Validates the recipe at <paramref name="recipePath"/>, reading files through <paramref name="files"/>.</summary>
    public static IReadOnlyList<RecipeDiagnostic> Validate(string recipePath, IRecipeFiles files)
    {
        var text = files.ReadAllText(recipePath);
        if (text is null)
            return new[] { RecipeDiagnostics.DataFileMissing.At(recipePath, SourcePosition.Start, recipePath) };
        return Validate(recipePath, text, files);
    }

    /// <summary>Validates recipe <paramref name="text"/> located at <paramref name="recipePath"/>.</summary>
    /// <param name="components">The recipe project's classes, to resolve component names against; null skips that
    /// check (it needs the project's compilation: the build makes it).</param>
    public static IReadOnlyList<RecipeDiagnostic> Validate(string recipePath, string text, IRecipeFiles files, ComponentCatalog? components = null)
    {
        var parsed = RecipeParser.Parse(recipePath, text);
        var all = new List<RecipeDiagnostic>(parsed.Diagnostics);
        var results = new List<FileCheckResult>();
        string? Read(string path)
        {
            try { return files.ReadAllText(path); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
        }
        var tokenizerFiles = RecipeTokenizerFiles.None;
        if (parsed.Spec is { } spec)
        {
            var (jsonPath, configPath) = RecipeFileRequirements.TokenizerPaths(spec);
            var texts = new List<TokenizerFileText>();
            foreach (var path in new[] { jsonPath, configPath })
                if (path is not null && Read(path) is { } content) texts.Add(TokenizerFileText.Of(path, content));
            tokenizerFiles = RecipeFileRequirements.TokenizerFilesFor(spec, texts);
        }
        foreach (var req in RecipeFileRequirements.For(parsed))
        {
            var notRegular = files.NotRegular(req.Path);
            var content = notRegular is null ? Read(req.Path) : null;
            var result = ReferencedFileCheck.Check(req, content, tokenizerFiles, notRegular);
            results.Add(result);
            all.AddRange(result.Diagnostics);
        }
        all.AddRange(RecipeCrossChecks.Check(parsed, results));
        if (components is not null && parsed.Spec is not null)
            all.AddRange(ComponentBinder.Bind(parsed.Spec, parsed.Map, components).Diagnostics);
        else if (parsed.Spec is { } checkedSpec && ComponentBinder.TransformNote(checkedSpec, parsed.Map) is { } note)
            // Without the project's compilation the class cannot be resolved, but the checks above still read the data
            // untransformed, which the build says too (SFT0077, SFT0078): sft validate tells the same.
            all.Add(note);
        return all;
    }
}

/// <summary>Reads files from disk (for the CLI and tests).</summary>
public sealed class DiskRecipeFiles : IRecipeFiles
{
    /// <inheritdoc/>
    public string? ReadAllText(string absolutePath)
    {
        try { return File.Exists(absolutePath) && FileKinds.NotRegular(absolutePath) is null ? File.ReadAllText(absolutePath) : null; }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <inheritdoc/>
    public string? NotRegular(string absolutePath) => FileKinds.NotRegular(absolutePath);
}

/// <summary>Files held in memory (for the generator's and tests' use).</summary>
public sealed class InMemoryRecipeFiles : IRecipeFiles
{
    private readonly Dictionary<string, string> _files;
    private readonly Dictionary<string, string> _notRegular;

    /// <summary>Wraps path → text pairs, and path → kind for paths that are no regular file ("a character device" …).</summary>
    public InMemoryRecipeFiles(IDictionary<string, string> files, IDictionary<string, string>? notRegular = null)
    {
        _files = new Dictionary<string, string>(files);
        _notRegular = notRegular is null ? new Dictionary<string, string>() : new Dictionary<string, string>(notRegular);
    }

    /// <inheritdoc/>
    public string? ReadAllText(string absolutePath) => _files.TryGetValue(absolutePath, out var t) ? t : null;

    /// <inheritdoc/>
    public string? NotRegular(string absolutePath) => _notRegular.TryGetValue(absolutePath, out var kind) ? kind : null;
}
