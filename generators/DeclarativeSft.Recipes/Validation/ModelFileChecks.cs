using System;
using System.Collections.Generic;
using System.Linq;
using DeclarativeSft.Recipes.Json;

namespace DeclarativeSft.Recipes;

/// <summary>Checks of the model folder's config.json and the tokenizer files.</summary>
public static class ModelFileChecks
{
    /// <summary>Markers that identify a named template inside a model's Jinja chat_template.</summary>
    public static readonly IReadOnlyList<(TemplateFormat Format, string Marker)> TemplateMarkers = new[]
    {
        (TemplateFormat.ChatMl, "<|im_start|>"),
        (TemplateFormat.Llama3, "<|start_header_id|>"),
        (TemplateFormat.Alpaca, "### Instruction"),
        (TemplateFormat.HumanAssistant, "Human:"),
    };

    /// <summary>config.json: readable, supported architecture, LoRA names, memory budget.</summary>
    public static List<RecipeDiagnostic> CheckConfig(FileRequirement req, string? text)
    {
        var spec = req.Spec;
        var recipe = spec.RecipePath;
        var result = new List<RecipeDiagnostic>();
        if (text is null)
        {
            result.Add(RecipeDiagnostics.ModelConfigMissing.At(recipe, req.Map.ValueOf("model.path"), spec.Model.Path));
            result.AddRange(req.UnresolvedModules.Select(m => ModuleNameCheck.Report(recipe, m, null)));
            return result;
        }
        var root = JsonReader.Parse(text, out var error);
        if (root is null || root.Kind != JsonKind.Object)
        {
            var at = error is null ? SourcePosition.Start : PositionOf(text, error.Offset);
            result.Add(RecipeDiagnostics.JsonFileUnreadable.At(req.Path, at, req.Path, error?.Message ?? "it is not a JSON object"));
            return result;
        }
        var architecture = root["architectures"]?.Items?.FirstOrDefault()?.AsString;
        if (architecture is null)
        {
            result.Add(RecipeDiagnostics.JsonFileUnreadable.At(req.Path, SourcePosition.Start, req.Path, "it has no \"architectures\" list naming the model class"));
            return result;
        }
        if (!RecipeNames.SupportedArchitectures.Contains(architecture))
        {
            result.Add(RecipeDiagnostics.UnsupportedArchitecture.At(recipe, req.Map.ValueOf("model.path"), architecture, Suggestions.List(RecipeNames.SupportedArchitectures)));
            return result;
        }
        result.AddRange(req.UnresolvedModules.Select(m => ModuleNameCheck.Report(recipe, m, architecture)));

        var shape = ReadShape(root);
        if (shape is not null && spec.Training.FreezeLayers > shape.Layers)
            result.Add(RecipeDiagnostics.OutOfRange.At(recipe, req.Map.ValueOf("training.freeze_layers"), "training.freeze_layers",
                spec.Training.FreezeLayers, $"at most the model's {shape.Layers} layers", ""));
        if (shape is not null && spec.Training.MemoryBudgetBytes is { } budget)
        {
            var m = MemoryEstimate.For(spec, shape);
            if (m.Total > budget)
                result.Add(RecipeDiagnostics.MemoryOverBudget.At(recipe, req.Map.ValueOf("training.memory_budget"),
                    MemoryEstimate.Format(m.Total), MemoryEstimate.Format(budget), MemoryEstimate.Format(m.Weights),
                    MemoryEstimate.Format(m.Gradients), MemoryEstimate.Format(m.Optimizer), MemoryEstimate.Format(m.Activations)));
        }
        return result;
    }

    /// <summary>Model dimensions from a parsed config.json, or null when fields are missing.</summary>
    public static ModelShape? ReadShape(JsonNode config)
    {
        int? Int(string name) => config[name]?.AsNumber is double d && d >= 0 && d < int.MaxValue ? (int)d : null;
        var hidden = Int("hidden_size");
        var inter = Int("intermediate_size");
        var layers = Int("num_hidden_layers");
        var heads = Int("num_attention_heads");
        var vocab = Int("vocab_size");
        if (hidden is null || inter is null || layers is null || heads is null || vocab is null || heads == 0) return null;
        var kv = Int("num_key_value_heads") ?? heads.Value;
        var headDim = Int("head_dim") ?? hidden.Value / heads.Value;
        bool tied = config["tie_word_embeddings"]?.Kind == JsonKind.True;
        return new ModelShape(hidden.Value, inter.Value, layers.Value, heads.Value, kv, headDim, vocab.Value, tied);
    }

    /// <summary>tokenizer.json: present (unless builtin), and custom template tokens in its vocabulary.</summary>
    public static List<RecipeDiagnostic> CheckTokenizerJson(FileRequirement req, string? text)
    {
        var spec = req.Spec;
        var result = new List<RecipeDiagnostic>();
        if (text is null)
        {
            result.Add(RecipeDiagnostics.TokenizerMissing.At(spec.RecipePath, req.Map.ValueOf(req.KeyPath), req.Path,
                "Put tokenizer.json in the model folder, set tokenizer: to its path, or use tokenizer: builtin:bytes."));
            return result;
        }
        if (spec.Template.Format != TemplateFormat.Custom || spec.Template.Tokens is null || spec.Template.AddSpecialTokens) return result;
        var root = JsonReader.Parse(text, out var error);
        if (root is null || root.Kind != JsonKind.Object)
        {
            result.Add(RecipeDiagnostics.JsonFileUnreadable.At(req.Path, error is null ? SourcePosition.Start : PositionOf(text, error.Offset),
                req.Path, error?.Message ?? "it is not a JSON object"));
            return result;
        }
        var vocab = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in root["model"]?["vocab"]?.Members ?? new List<KeyValuePair<string, JsonNode>>()) vocab.Add(member.Key);
        foreach (var added in root["added_tokens"]?.Items ?? new List<JsonNode>())
            if (added["content"]?.AsString is { } content) vocab.Add(content);

        var t = spec.Template.Tokens;
        var pairs = new[] { ("system", t.System), ("user", t.User), ("assistant", t.Assistant) };
        foreach (var (role, pair) in pairs)
        {
            var tokens = new[] { pair.Start, pair.End };
            for (int i = 0; i < 2; i++)
                if (!vocab.Contains(tokens[i]))
                    result.Add(RecipeDiagnostics.TokenNotInVocab.At(spec.RecipePath, req.Map.ValueOf($"template.tokens.{role}[{i}]"), tokens[i], req.Path));
        }
        return result;
    }

    /// <summary>tokenizer_config.json: chat_template present for from-tokenizer; named template vs the model's.</summary>
    public static List<RecipeDiagnostic> CheckTokenizerConfig(FileRequirement req, string? text)
    {
        var spec = req.Spec;
        var result = new List<RecipeDiagnostic>();
        var format = spec.Template.Format;
        if (format == TemplateFormat.Custom) return result;
        string? template = null;
        if (text is not null)
        {
            var root = JsonReader.Parse(text, out var error);
            if (root is null || root.Kind != JsonKind.Object)
            {
                result.Add(RecipeDiagnostics.JsonFileUnreadable.At(req.Path, error is null ? SourcePosition.Start : PositionOf(text, error.Offset),
                    req.Path, error?.Message ?? "it is not a JSON object"));
                return result;
            }
            template = ChatTemplateOf(root["chat_template"]);
        }
        if (format == TemplateFormat.FromTokenizer)
        {
            if (string.IsNullOrEmpty(template))
                result.Add(RecipeDiagnostics.NoChatTemplate.At(spec.RecipePath, req.Map.ValueOf("template.format"), req.Path));
            return result;
        }
        if (string.IsNullOrEmpty(template)) return result;
        var marker = TemplateMarkers.First(m => m.Format == format).Marker;
        if (template!.IndexOf(marker, StringComparison.Ordinal) >= 0) return result;
        var modelFamily = TemplateMarkers.FirstOrDefault(m => template.IndexOf(m.Marker, StringComparison.Ordinal) >= 0);
        var theirs = modelFamily.Marker is null ? "" : $"; it looks like {RecipeNames.NameOf(RecipeNames.TemplateFormats, modelFamily.Format)}";
        var suggestion = modelFamily.Marker is null ? "" : $" or format: {RecipeNames.NameOf(RecipeNames.TemplateFormats, modelFamily.Format)}";
        result.Add(RecipeDiagnostics.TemplateMismatch.At(spec.RecipePath, req.Map.ValueOf("template.format"),
            RecipeNames.NameOf(RecipeNames.TemplateFormats, format), marker, theirs, suggestion));
        return result;
    }

    private static string? ChatTemplateOf(JsonNode? node)
    {
        if (node is null) return null;
        if (node.AsString is { } s) return s;
        if (node.Items is { } items)
        {
            var named = items.FirstOrDefault(i => i["name"]?.AsString == "default") ?? items.FirstOrDefault();
            return named?["template"]?.AsString;
        }
        return null;
    }

    /// <summary>1-based line and column of character <paramref name="offset"/> in <paramref name="text"/>.</summary>
    public static SourcePosition PositionOf(string text, int offset)
    {
        int line = 1, lineStart = 0;
        for (int i = 0; i < offset && i < text.Length; i++)
            if (text[i] == '\n') { line++; lineStart = i + 1; }
        return new SourcePosition(line, offset - lineStart + 1);
    }
}
