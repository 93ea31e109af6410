using System;
using System.Collections.Generic;
using System.IO;

namespace DeclarativeSft.Recipes;

/// <summary>Which files a parsed recipe depends on (data, model config, tokenizer files).</summary>
public static class RecipeFileRequirements
{
    /// <summary>The files <paramref name="parsed"/> needs; empty when the recipe did not parse.</summary>
    public static EquatableArray<FileRequirement> For(RecipeParseResult parsed)
    {
        var spec = parsed.Spec;
        if (spec is null) return EquatableArray<FileRequirement>.Empty;
        var list = new List<FileRequirement>();
        void Add(ReferencedFileKind kind, string path, string key, bool withModules = false, int sourceIndex = -1) =>
            list.Add(new FileRequirement(kind, path, key, spec, parsed.Map, withModules ? parsed.UnresolvedModules : EquatableArray<UnresolvedModuleName>.Empty, sourceIndex));

        for (int i = 0; i < spec.Data.Train.Count; i++)
            Add(ReferencedFileKind.TrainData, spec.Data.Train[i].Path, TrainKey(parsed.Map, i), sourceIndex: i);
        if (spec.Data.Validation?.Path is { } validation) Add(ReferencedFileKind.ValidationData, validation, "data.validation.path");
        if (spec.Model.Path is { } model) Add(ReferencedFileKind.ModelConfig, Path.Combine(model, "config.json"), "model.path", withModules: true);

        var tokenizerFolder = TokenizerFolder(spec);
        if (tokenizerFolder is not null)
        {
            var key = spec.Tokenizer.Source == TokenizerSource.Path ? "tokenizer" : "model.path";
            Add(ReferencedFileKind.TokenizerJson, TokenizerJsonPath(spec)!, key);
            Add(ReferencedFileKind.TokenizerConfig, Path.Combine(tokenizerFolder, "tokenizer_config.json"), key);
        }
        return list.ToEquatableArray();
    }

    /// <summary>Every path a recipe file references (what MSBuild must pass to the generator as AdditionalFiles).</summary>
    public static string[] PathsFor(string recipePath, string recipeText)
    {
        var requirements = For(RecipeParser.Parse(recipePath, recipeText));
        var paths = new string[requirements.Count];
        for (int i = 0; i < paths.Length; i++) paths[i] = requirements[i].Path;
        return paths;
    }

    /// <summary>The tokenizer.json and tokenizer_config.json the recipe's text pipeline reads (nulls for builtin:bytes).</summary>
    public static (string? TokenizerJson, string? TokenizerConfig) TokenizerPaths(RecipeSpec spec)
    {
        var folder = TokenizerFolder(spec);
        return folder is null ? (null, null) : (TokenizerJsonPath(spec), Path.Combine(folder, "tokenizer_config.json"));
    }

    /// <summary>The recipe's tokenizer files among <paramref name="available"/> (absent ones are null).</summary>
    public static RecipeTokenizerFiles TokenizerFilesFor(RecipeSpec spec, IEnumerable<TokenizerFileText> available)
    {
        var (json, config) = TokenizerPaths(spec);
        if (json is null) return RecipeTokenizerFiles.None;
        TokenizerFileText? jsonText = null, configText = null;
        foreach (var file in available)
        {
            if (PathResolver.SamePath(file.Path, json)) jsonText = file;
            else if (config is not null && PathResolver.SamePath(file.Path, config)) configText = file;
        }
        return new RecipeTokenizerFiles(jsonText, configText);
    }

    /// <summary>Where source <paramref name="i"/> of data.train names its file: its <c>path</c> key, the list item, or data.train.</summary>
    /// <summary>The recipe key that names training source <paramref name="i"/> (its path, its entry, or data.train).</summary>
    internal static string TrainKey(RecipeSourceMap map, int i) =>
        map.Has($"data.train[{i}].path") ? $"data.train[{i}].path" : map.Has($"data.train[{i}]") ? $"data.train[{i}]" : "data.train";

    private static string? TokenizerFolder(RecipeSpec spec) => spec.Tokenizer.Source switch
    {
        TokenizerSource.Model => spec.Model.Path,
        TokenizerSource.Path when spec.Tokenizer.Path is { } p =>
            p.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? PathResolver.DirectoryOf(p) : p,
        _ => null,
    };

    private static string? TokenizerJsonPath(RecipeSpec spec) => spec.Tokenizer.Source switch
    {
        TokenizerSource.Model when spec.Model.Path is { } m => Path.Combine(m, "tokenizer.json"),
        TokenizerSource.Path when spec.Tokenizer.Path is { } p =>
            p.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? p : Path.Combine(p, "tokenizer.json"),
        _ => null,
    };
}
