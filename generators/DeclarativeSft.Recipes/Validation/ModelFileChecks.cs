using System;
using System.Collections.Generic;
using System.Linq;
using DeclarativeSft.Data;
using DeclarativeSft.Data.Json;
using DeclarativeSft.Jinja;
using DeclarativeSft.Tokenizers;

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
        var impossible = CheckValues(req.Path, text, root);
        result.AddRange(impossible);
        if (impossible.Count > 0) return result;
        if (root["max_position_embeddings"]?.AsNumber is double context && spec.Data.MaxSeqLen > context)
            result.Add(RecipeDiagnostics.SeqLenOverModelContext.At(recipe, req.Map.ValueOf("data.max_seq_len"), spec.Data.MaxSeqLen, RecipeRules.Num(context)));

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

    /// <summary>Keys of config.json that must be whole numbers of at least 1 (what the model's shape is made of).</summary>
    public static readonly IReadOnlyList<string> PositiveIntegerKeys = new[]
    {
        "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
        "head_dim", "max_position_embeddings",
    };

    /// <summary>Values of config.json no model can have (a zero or negative size or epsilon, rope_theta ≤ 0, a
    /// fraction where a count belongs), each at its own line and column of config.json.</summary>
    public static List<RecipeDiagnostic> CheckValues(string path, string text, JsonNode root)
    {
        var result = new List<RecipeDiagnostic>();
        void Bad(string key, JsonNode node, string must, string why) =>
            result.Add(RecipeDiagnostics.ConfigValueImpossible.At(path, PositionOf(text, node.Offset), key, node.Kind == JsonKind.Number || node.Kind == JsonKind.String ? node.Text : node.Describe(), must, why));
        foreach (var key in PositiveIntegerKeys)
        {
            var node = root[key];
            if (node is null || node.Kind == JsonKind.Null) continue;
            if (node.AsNumber is not double d || d < 1 || d != Math.Floor(d) || d > int.MaxValue)
                Bad(key, node, "a whole number of at least 1", "it is a size or count of the model");
        }
        var eps = root["rms_norm_eps"];
        if (eps is not null && eps.Kind != JsonKind.Null && (eps.AsNumber is not double e || !(e > 0) || double.IsInfinity(e)))
            Bad("rms_norm_eps", eps, "a number greater than 0", "RMSNorm divides by sqrt(mean(x²) + eps), so 0 or less gives inf/NaN");
        var theta = root["rope_theta"];
        if (theta is not null && theta.Kind != JsonKind.Null && (theta.AsNumber is not double t || !(t > 0) || double.IsInfinity(t)))
            Bad("rope_theta", theta, "a number greater than 0", "rotary frequencies are rope_theta^(-2i/d), which 0 or less cannot give");
        var factor = root["rope_scaling"]?["factor"];
        if (factor is not null && factor.Kind != JsonKind.Null && (factor.AsNumber is not double f || !(f > 0) || double.IsInfinity(f)))
            Bad("rope_scaling.factor", factor, "a number greater than 0", "rotary frequencies are divided by it");
        var heads = root["num_attention_heads"]?.AsNumber;
        var kv = root["num_key_value_heads"];
        if (result.Count == 0 && heads is double h && kv?.AsNumber is double k && k >= 1 && h % k != 0)
            Bad("num_key_value_heads", kv, $"a divisor of num_attention_heads ({RecipeRules.Num(h)})", "each key/value head serves a whole group of query heads");
        var headDim = root["head_dim"];
        if (result.Count == 0 && headDim?.AsNumber is double hd && hd % 2 != 0)
            Bad("head_dim", headDim, "even", "rotary embeddings rotate pairs of dimensions");
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
    public static List<RecipeDiagnostic> CheckTokenizerJson(FileRequirement req, string? text, RecipeTokenizerFiles tokenizerFiles)
    {
        var spec = req.Spec;
        var result = new List<RecipeDiagnostic>();
        if (text is null)
        {
            result.Add(RecipeDiagnostics.TokenizerMissing.At(spec.RecipePath, req.Map.ValueOf(req.KeyPath), req.Path,
                "Put tokenizer.json in the model folder, set tokenizer: to its path, or use tokenizer: builtin:bytes."));
            return result;
        }
        // Loaded here once (the data files' checks find it in the cache by content hash).
        try { TokenizerCache.For(spec, tokenizerFiles); }
        catch (TokenizerLoadException e)
        {
            result.Add(RecipeDiagnostics.TokenizerUnloadable.At(req.Path, SourcePosition.Start, e.Message.TrimEnd('.')));
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
            else
            {
                // The run's own Jinja parser: a template that fails here would fail the run.
                try { ChatTemplates.FromTokenizerConfigText(text!, req.Path); }
                catch (JinjaException e) when (e is not ChatTemplateConfigException)
                {
                    var root = JsonReader.Parse(text!, out _);
                    var at = TemplateNode(root?["chat_template"]) is { } node && e.TemplateLine > 0
                        ? PositionOf(text!, OffsetInJsonString(text!, node.Offset, e.TemplateLine, e.TemplateColumn))
                        : SourcePosition.Start;
                    var why = e.Message.StartsWith(req.Path + ": ", StringComparison.Ordinal) ? e.Message.Substring(req.Path.Length + 2) : e.Message;
                    result.Add(RecipeDiagnostics.ChatTemplateSyntax.At(req.Path, at, why));
                }
            }
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

    private static JsonNode? TemplateNode(JsonNode? node)
    {
        if (node is null || node.Kind == JsonKind.String) return node;
        var named = node.Items?.FirstOrDefault(i => i["name"]?.AsString == "default") ?? node.Items?.FirstOrDefault();
        return named?["template"] is { Kind: JsonKind.String } t ? t : null;
    }

    /// <summary>Offset in <paramref name="json"/> of template line/column <paramref name="line"/>:<paramref name="column"/>
    /// of the JSON string starting (at its quote) at <paramref name="stringStart"/>: walks the escapes, since a template
    /// newline is the two characters \n in the file.</summary>
    public static int OffsetInJsonString(string json, int stringStart, int line, int column)
    {
        int i = stringStart + 1, l = 1, c = 1;
        while (i < json.Length && json[i] != '"')
        {
            if (l == line && c == column) return i;
            char decoded = json[i];
            int width = 1;
            if (decoded == '\\' && i + 1 < json.Length)
            {
                decoded = json[i + 1] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => json[i + 1] };
                width = json[i + 1] == 'u' ? 6 : 2;
            }
            if (decoded == '\n') { l++; c = 1; } else c++;
            i += width;
        }
        return Math.Min(i, json.Length);
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
