using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using DeclarativeSft.Data;
using DeclarativeSft.Recipes.Yaml;

namespace DeclarativeSft.Recipes;

/// <summary>
/// recipe.sft.yaml text → <see cref="RecipeSpec"/> + diagnostics at exact line:column. Applies defaults, resolves
/// paths against the recipe's folder, and runs the checks that need nothing but the recipe. Never throws.
/// </summary>
public static class RecipeParser
{
    /// <summary>Parses the recipe at <paramref name="recipePath"/> (absolute) whose text is <paramref name="text"/>.</summary>
    public static RecipeParseResult Parse(string recipePath, string text)
    {
        var context = new ParseContext(recipePath);
        RecipeSpec? spec = null;
        try
        {
            spec = ParseDocument(context, text);
            if (spec is not null) RecipeRules.Check(spec, context.Map(), context.Diagnostics);
        }
        catch (Exception ex)
        {
            context.Report(RecipeDiagnostics.InternalError, SourcePosition.Start, ex.GetType().Name + ": " + ex.Message);
            spec = null;
        }
        if (context.Diagnostics.Any(d => d.Severity == RecipeSeverity.Error)) spec = null;
        var unresolved = context.Unresolved.ToEquatableArray();
        if (unresolved.Count > 0 && (spec is null || spec.Model.Path is null))
        {
            // No config.json will be read: report the names against the module set every supported architecture shares.
            foreach (var name in unresolved) context.Diagnostics.Add(ModuleNameCheck.Report(recipePath, name, null));
            unresolved = EquatableArray<UnresolvedModuleName>.Empty;
            spec = null;
        }
        return new RecipeParseResult(spec, context.Map(), context.Diagnostics.ToEquatableArray(), unresolved);
    }

    private static RecipeSpec? ParseDocument(ParseContext c, string text)
    {
        var read = YamlTreeReader.Read(text);
        if (read.Error is not null)
        {
            c.Report(RecipeDiagnostics.YamlSyntax, read.ErrorPosition, read.Error);
            return null;
        }
        if (read.Root is not YamlMapping root)
        {
            c.Report(RecipeDiagnostics.WrongType, read.Root?.Position ?? SourcePosition.Start, "the recipe", "a mapping of keys",
                read.Root?.Describe() ?? "empty", "name: my-recipe");
            return null;
        }

        var top = c.Section(root, "", RecipeSchema.Root);
        var name = c.String(top, "name", required: true);
        if (name is not null && !Regex.IsMatch(name, "^[A-Za-z][A-Za-z0-9_-]*$"))
            c.Report(RecipeDiagnostics.OutOfRange, c.ValueAt(top, "name"), "name", $"'{name}'",
                "letters, digits, '-' or '_', starting with a letter", "It becomes the C# class name (code-assistant → CodeAssistantRecipe).");

        var model = ParseModel(c, top);
        var lora = ParseLora(c, top);
        var tokenizer = ParseTokenizer(c, top, model);
        var template = ParseTemplate(c, top);
        var mask = ParseMask(c, top);
        var data = ParseData(c, top);
        var training = ParseTraining(c, top, lora, data?.MaxSeqLen);
        var regularization = ParseRegularization(c, top);
        var eval = ParseEval(c, top);
        var output = ParseOutput(c, top, name, lora);
        var hooks = ParseComponentNames(c, top, "hooks") ?? EquatableArray<string>.Empty;
        if (name is null || model is null || data is null) return null;
        return new RecipeSpec(name, c.RecipePath, c.Directory, model, tokenizer, template, mask, data, lora, training, regularization, eval, output, hooks);
    }

    private static ModelSpec? ParseModel(ParseContext c, Section top)
    {
        var node = top.Get("model");
        if (node is null)
        {
            c.Report(RecipeDiagnostics.MissingKey, SourcePosition.Start, "model", "the recipe", "model: { path: ../models/Qwen2.5-0.5B }");
            return null;
        }
        var s = c.SubSection(top, "model");
        if (s is null) return null;
        var path = c.Path(s, "path");
        ModelInitSpec? init = null;
        var initSection = c.SubSection(s, "init");
        if (initSection is not null)
        {
            var preset = c.Enum(initSection, "preset", RecipeNames.ModelPresets, ModelPreset.Tiny, "model preset");
            var seed = c.Int(initSection, "seed", 0, int.MaxValue) ?? 1;
            init = new ModelInitSpec(preset, seed);
        }
        if (path is not null && init is not null)
        {
            c.Report(RecipeDiagnostics.MutuallyExclusive, c.KeyAt(s, "init"), "model.path", "model.init",
                "path fine-tunes an existing checkpoint, init trains a new model from scratch");
            return null;
        }
        if (path is null && init is null)
        {
            if (!s.Has("path") && !s.Has("init"))
                c.Report(RecipeDiagnostics.MissingKey, s.Position, "path", "model", "path: ../models/Qwen2.5-0.5B (or init: { preset: tiny, seed: 1 })");
            return null;
        }
        return new ModelSpec(path, init);
    }

    private static TokenizerSpec ParseTokenizer(ParseContext c, Section top, ModelSpec? model)
    {
        var value = c.String(top, "tokenizer");
        if (value is null || value == "model")
        {
            if (value == "model" && model?.Init is not null)
                c.Report(RecipeDiagnostics.TokenizerMissing, c.ValueAt(top, "tokenizer"), "model",
                    "A model trained from scratch (model.init) has no tokenizer files: use tokenizer: builtin:bytes or a path to tokenizer.json.");
            return model?.Init is not null && value is null
                ? new TokenizerSpec(TokenizerSource.BuiltinBytes, null)
                : new TokenizerSpec(TokenizerSource.Model, model?.Path);
        }
        if (value == "builtin:bytes") return new TokenizerSpec(TokenizerSource.BuiltinBytes, null);
        if (value.StartsWith("builtin:", StringComparison.Ordinal))
        {
            c.Report(RecipeDiagnostics.UnknownValue, c.ValueAt(top, "tokenizer"), "tokenizer", value,
                Suggestions.DidYouMean(value, new[] { "builtin:bytes" }), "model, builtin:bytes, or a path to tokenizer.json or its folder");
            return new TokenizerSpec(TokenizerSource.Model, model?.Path);
        }
        return new TokenizerSpec(TokenizerSource.Path, c.Resolve(value));
    }

    private static TemplateSpec ParseTemplate(ParseContext c, Section top)
    {
        var s = c.SubSection(top, "template");
        if (s is null) return new TemplateSpec(TemplateFormat.ChatMl, null, null, false);
        var format = c.Enum(s, "format", RecipeNames.TemplateFormats, TemplateFormat.ChatMl, "template format");
        var system = c.String(s, "system");
        var add = c.Bool(s, "add_special_tokens") ?? false;
        TemplateTokens? tokens = null;
        var t = c.SubSection(s, "tokens");
        if (t is not null)
        {
            var sys = c.TokenPair(t, "system");
            var user = c.TokenPair(t, "user");
            var assistant = c.TokenPair(t, "assistant");
            if (sys is not null && user is not null && assistant is not null) tokens = new TemplateTokens(sys, user, assistant);
        }
        if (format == TemplateFormat.Custom && !s.Has("tokens"))
            c.Report(RecipeDiagnostics.MissingKey, c.KeyAt(s, "format"), "tokens", "template (format: custom)",
                "tokens: { system: [<SOT>, <EOT>], user: [<SOU>, <EOU>], assistant: [<SOA>, <EOA>] }");
        return new TemplateSpec(format, system, format == TemplateFormat.Custom ? tokens : null, add);
    }

    private static MaskSpec ParseMask(ParseContext c, Section top)
    {
        var s = c.SubSection(top, "mask");
        if (s is null) return new MaskSpec(LossMaskMode.Assistant, true);
        return new MaskSpec(c.Enum(s, "train_on", RecipeNames.MaskModes, LossMaskMode.Assistant, "mask mode"), c.Bool(s, "train_eos") ?? true);
    }

    private static DataSpec? ParseData(ParseContext c, Section top)
    {
        if (top.Get("data") is null)
        {
            c.Report(RecipeDiagnostics.MissingKey, SourcePosition.Start, "data", "the recipe", "data: { train: data/train.jsonl }");
            return null;
        }
        var s = c.SubSection(top, "data");
        if (s is null) return null;
        var train = DataSources.Parse(c, s);
        if (train is null && !s.Has("train"))
            c.Report(RecipeDiagnostics.MissingKey, s.Position, "train", "data", "train: data/train.jsonl");
        var format = c.Enum(s, "format", RecipeNames.DataFormats, DatasetFormat.Messages, "data format");

        ValidationSpec? validation = null;
        var v = c.SubSection(s, "validation");
        if (v is not null)
        {
            var split = c.Double(v, "split", 0, 1, minExclusive: true, maxExclusive: true, rangeText: "between 0 and 1 (exclusive)");
            var path = c.Path(v, "path");
            if (split is not null && path is not null)
                c.Report(RecipeDiagnostics.MutuallyExclusive, c.KeyAt(v, "path"), "data.validation.split", "data.validation.path",
                    "split takes a fraction of the training data, path names a separate file");
            else if (split is not null || path is not null) validation = new ValidationSpec(split, path);
            else if (!v.Has("split") && !v.Has("path"))
                c.Report(RecipeDiagnostics.MissingKey, v.Position, "split", "data.validation", "validation: { split: 0.05 } or { path: data/val.jsonl }");
        }

        var maxSeqLen = c.Int(s, "max_seq_len", 8, 1 << 20) ?? 1024;
        var truncation = c.Enum(s, "truncation", RecipeNames.TruncationModes, TruncationMode.Drop, "truncation mode");
        var packing = c.Bool(s, "packing") ?? false;
        if (train is not null) train = DataSources.WithReplay(c, s, train);
        var quality = ParseQuality(c, s);
        var transform = c.String(s, "transform");
        if (transform is not null && !ComponentName.IsMatch(transform))
        {
            c.Report(RecipeDiagnostics.OutOfRange, c.ValueAt(s, "transform"), "data.transform", $"'{transform}'",
                "a C# class name (Namespace.ClassName)", "e.g. MyTransform, a class of the recipe project implementing IExampleTransform (IJsonLineTransform with data.format: custom).");
            transform = null;
        }
        else if (transform is null && format == DatasetFormat.Custom && !s.Has("transform"))
            c.Report(RecipeDiagnostics.MissingKey, c.ValueAt(s, "format"), "transform",
                "data (data.format custom is data in your own layout: a class of the recipe project makes each JSON line a conversation)",
                "transform: MyLineReader, a class implementing DeclarativeSft.Runtime.Components.IJsonLineTransform");
        if (train is null) return null;
        return new DataSpec(train.ToEquatableArray(), format, validation, maxSeqLen, truncation, packing, quality, transform);
    }

    private static QualitySpec ParseQuality(ParseContext c, Section data)
    {
        var q = c.SubSection(data, "quality");
        if (q is null) return QualitySpec.Defaults;
        var settings = new List<QualitySetting>();
        foreach (var check in RecipeNames.QualityChecks)
        {
            if (!q.Has(check) || q.Get(check) is YamlScalar { IsNull: true }) continue;
            var severity = c.Enum(q, check, RecipeNames.QualitySeverities, QualitySeverity.Default, "check severity");
            if (severity != QualitySeverity.Default) settings.Add(new QualitySetting(check, severity));
        }
        return new QualitySpec(settings.ToEquatableArray());
    }

    private static LoraSpec? ParseLora(ParseContext c, Section top)
    {
        if (top.Get("lora") is YamlScalar { IsNull: true }) return null;
        var s = c.SubSection(top, "lora");
        if (s is null) return null;
        var r = c.Int(s, "r", 1, 65536, hint: "r is the adapter rank; 8–64 is typical.") ?? 8;
        var alpha = c.Double(s, "alpha", 0, 1e6, minExclusive: true, rangeText: "greater than 0") ?? 2.0 * r;
        var dropout = c.Double(s, "dropout", 0, 1, maxExclusive: true, rangeText: "in [0, 1)") ?? 0.05;
        var useRslora = c.Bool(s, "use_rslora") ?? false;
        var targets = c.Modules(s, "target_modules", RecipeNames.LinearModules, allowAllLinear: true) ?? (ModelModules.QProj | ModelModules.VProj);
        var save = c.Modules(s, "modules_to_save", RecipeNames.SavableModules, allowAllLinear: false) ?? ModelModules.None;
        return new LoraSpec(r, alpha, dropout, targets, useRslora, save);
    }

    /// <summary>Tokens one micro-batch can hold: its ids, positions and targets are arrays of B·T elements.</summary>
    public const long MaxTokensPerMicroBatch = 2_147_483_591;

    private static TrainingSpec ParseTraining(ParseContext c, Section top, LoraSpec? lora, int? maxSeqLen)
    {
        var s = c.SubSection(top, "training") ?? Section.Empty("training");
        var epochs = c.Int(s, "epochs", 1, 100000) ?? 1;
        var micro = c.Int(s, "micro_batch_size", 1, 1 << 16) ?? 1;
        if ((long)micro * (maxSeqLen ?? 0) > MaxTokensPerMicroBatch)
        {
            c.Report(RecipeDiagnostics.OutOfRange, c.ValueAt(s, "micro_batch_size"), "training.micro_batch_size", micro.ToString(CultureInfo.InvariantCulture),
                FormattableString.Invariant($"at most {MaxTokensPerMicroBatch / maxSeqLen!.Value} with data.max_seq_len {maxSeqLen} (a micro-batch holds at most {MaxTokensPerMicroBatch} tokens, the largest array .NET allocates)"),
                "Lower micro_batch_size and raise gradient_accumulation_steps for the same effective batch.");
            micro = (int)(MaxTokensPerMicroBatch / maxSeqLen.Value);
        }
        var accumulation = c.Int(s, "gradient_accumulation_steps", 1, 1 << 16) ?? 1;
        var lr = c.Double(s, "learning_rate", 0, 1, minExclusive: true, rangeText: "in (0, 1]", hint: "Typical: 1e-4–3e-4 for LoRA, 1e-5–5e-5 for full fine-tuning.")
                 ?? (lora is null ? 2e-5 : 2e-4);
        var scheduler = c.Enum(s, "lr_scheduler", RecipeNames.LrSchedulers, LrScheduler.Cosine, "learning-rate scheduler");
        var warmupRatio = c.Double(s, "warmup_ratio", 0, 1, maxExclusive: true, rangeText: "in [0, 1)");
        var warmupSteps = c.Int(s, "warmup_steps", 0, int.MaxValue);
        if (warmupRatio is not null && warmupSteps is not null)
        {
            c.Report(RecipeDiagnostics.MutuallyExclusive, c.KeyAt(s, "warmup_steps"), "warmup_ratio", "warmup_steps",
                "warmup_ratio is a fraction of all steps, warmup_steps a count");
            warmupSteps = null;
        }
        var weightDecay = c.Double(s, "weight_decay", 0, 10) ?? 0.0;
        var maxGradNorm = c.Double(s, "max_grad_norm", 0, 1e6) ?? 1.0;
        var freeze = c.Int(s, "freeze_layers", 0, 100000) ?? 0;
        var checkpointing = c.Bool(s, "gradient_checkpointing") ?? false;
        var precision = c.Enum(s, "precision", RecipeNames.Precisions, Precision.Fp32, "precision");
        var device = c.Device(s, "device") ?? "auto";
        var budget = c.Bytes(s, "memory_budget");
        var seed = c.Int(s, "seed", 0, int.MaxValue) ?? 42;
        var maxSteps = c.Int(s, "max_steps", 1, int.MaxValue);
        return new TrainingSpec(epochs, micro, accumulation, lr, scheduler, warmupRatio, warmupSteps, weightDecay, maxGradNorm, freeze,
            checkpointing, precision, device, budget, seed, maxSteps);
    }

    private static RegularizationSpec ParseRegularization(ParseContext c, Section top)
    {
        var s = c.SubSection(top, "regularization") ?? Section.Empty("regularization");
        return new RegularizationSpec(c.Double(s, "l2_to_base", 0, 1e6) ?? 0.0, c.Double(s, "kl_to_base", 0, 1e6) ?? 0.0);
    }

    private static EvalSpec ParseEval(ParseContext c, Section top)
    {
        var s = c.SubSection(top, "eval") ?? Section.Empty("eval");
        return new EvalSpec(
            c.Int(s, "every_steps", 0, int.MaxValue) ?? 0,
            c.Int(s, "early_stopping_patience", 0, int.MaxValue) ?? 0,
            (c.StringList(s, "samples") ?? new List<string>()).ToEquatableArray(),
            c.Int(s, "max_new_tokens", 1, 1 << 20) ?? 128,
            ParseComponentNames(c, s, "evaluators") ?? BuiltInComponents.DefaultEvaluators);
    }

    /// <summary>A list of component names (built-in names or C# class names). Whether each names something is checked
    /// by the generator against the recipe project's compilation; here only the shape.</summary>
    private static readonly Regex ComponentName = new(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$");

    private static EquatableArray<string>? ParseComponentNames(ParseContext c, Section s, string key)
    {
        var names = c.StringList(s, key);
        if (names is null) return null;
        for (int i = 0; i < names.Count; i++)
        {
            if (!ComponentName.IsMatch(names[i]))
            {
                c.Report(RecipeDiagnostics.OutOfRange, c.Map().ValueOf($"{s.PathOf(key)}[{i}]"), s.PathOf(key) + $"[{i}]", $"'{names[i]}'",
                    "a built-in name or a C# class name (Namespace.ClassName)", "e.g. validation_loss, or MyEvaluator for a class in the recipe project.");
                return null;
            }
        }
        return names.ToEquatableArray();
    }

    private static OutputSpec ParseOutput(ParseContext c, Section top, string? name, LoraSpec? lora)
    {
        var s = c.SubSection(top, "output") ?? Section.Empty("output");
        var dir = c.Path(s, "dir") ?? c.Resolve("out/" + (name ?? "recipe"));
        var save = c.SaveKinds(s, "save") ?? (lora is null ? SaveKind.Full : SaveKind.Adapter);
        var every = c.Int(s, "checkpoint_every_steps", 0, int.MaxValue) ?? 0;
        var keep = c.Int(s, "keep_checkpoints", 0, int.MaxValue, hint: "0 keeps every checkpoint; the newest complete one is always kept.") ?? OutputSpec.DefaultKeepCheckpoints;
        var resumeText = c.String(s, "resume_from_checkpoint");
        var (resume, resumePath) = resumeText switch
        {
            null or "auto" => (ResumeMode.Auto, (string?)null),
            "never" => (ResumeMode.Never, null),
            _ => (ResumeMode.Path, c.Resolve(resumeText)),
        };
        return new OutputSpec(dir, save, every, resume, resumePath, keep);
    }
}
