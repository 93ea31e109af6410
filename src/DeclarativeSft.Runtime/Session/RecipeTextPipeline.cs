using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Hosting;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Runtime.Session;

/// <summary>
/// The text half of a recipe for the run: the files are read here, and everything else is <see cref="RecipeText"/>,
/// the mapping the build's data checks use too (so what the build checks is what trains).
/// </summary>
public static class RecipeTextPipeline
{
    /// <summary>Token a <c>builtin:bytes</c> tokenizer ends sequences with (also the padding id of packed rows).</summary>
    public const string ByteTokenizerEos = RecipeText.ByteTokenizerEos;

    /// <summary>
    /// <c>builtin:bytes</c> (and <c>model</c> for a from-scratch model) → <see cref="ByteTokenizer"/> with the template's
    /// special tokens; a path → that tokenizer.json or folder; <c>model</c> → the model folder's tokenizer. With
    /// <c>template.add_special_tokens</c> the custom markers the tokenizer lacks are added (new ids after the vocabulary).
    /// </summary>
    public static ITokenizer CreateTokenizer(RecipeSpec spec)
    {
        ITokenizer tokenizer = spec.Tokenizer.Source switch
        {
            TokenizerSource.Path when Directory.Exists(spec.Tokenizer.Path) => HfTokenizer.FromDirectory(spec.Tokenizer.Path!),
            TokenizerSource.Path => HfTokenizer.FromFile(spec.Tokenizer.Path!),
            TokenizerSource.Model when spec.Model.Path != null => HfTokenizer.FromDirectory(spec.Model.Path),
            _ => RecipeText.CreateByteTokenizer(spec),
        };
        return RecipeText.WithRecipeTokens(spec, tokenizer);
    }

    /// <summary>The chat template of <c>template.format</c>.</summary>
    public static ChatTemplate CreateTemplate(RecipeSpec spec, ITokenizer tokenizer)
    {
        if (spec.Template.Format != TemplateFormat.FromTokenizer) return RecipeText.CreateTemplate(spec, tokenizer, null, null);
        return ChatTemplates.FromTokenizerConfig(TokenizerConfigPath(spec));
    }

    /// <summary><c>mask.train_on</c> and <c>mask.train_eos</c>.</summary>
    public static LossMaskOptions MaskOptions(RecipeSpec spec) => RecipeText.MaskOptions(spec);

    /// <summary>The <c>data</c> section with <paramref name="seed"/> for the split, the mixing draws and the epoch order,
    /// and the recipe's <c>data.transform</c>. Every flow that reads the recipe's data takes it from here — training,
    /// validation, inspect, the held-out prompts of eval and the export proof — so they all see the conversations
    /// training sees.</summary>
    /// <param name="transform">The recipe's <c>data.transform</c>, constructed by its generated program; null when the recipe names none.</param>
    /// <exception cref="RecipeRunException">The recipe names a <c>data.transform</c> and <paramref name="transform"/> is
    /// null, or one of the other kind than its <c>data.format</c> needs (the build reports that as SFT0071 for generated programs).</exception>
    public static DataPipelineOptions DataOptions(RecipeSpec spec, int seed, DataTransform? transform)
    {
        if (spec.Data.Transform is not null && transform is null) throw RecipeComponents.TransformNeedsProgram(spec, command: null);
        var data = spec.Data;
        bool custom = data.Format == DatasetFormat.Custom;
        if (transform is not null && transform.ReadsJsonLines != custom)
            throw new RecipeRunException(custom
                ? $"{spec.RecipePath}: data.format is custom, so data.transform must read JSON lines (IJsonLineTransform), but {transform.ClassName} transforms read conversations (IExampleTransform)."
                : $"{spec.RecipePath}: data.transform {transform.ClassName} reads JSON lines (IJsonLineTransform), which only data.format: custom hands it; set data.format: custom.");
        if (custom && transform is null)
            throw new RecipeRunException($"{spec.RecipePath}: data.format custom needs data.transform: a class of the recipe project implementing IJsonLineTransform.");
        return new DataPipelineOptions(
            data.Train.Select(s => new TrainingSource(s.Path, s.Weight, s.Tag)).ToArray(),
            data.Format,
            data.MaxSeqLen,
            data.Truncation,
            data.Packing,
            PackingStrategy.BestFit,
            data.Validation?.Split,
            data.Validation?.Path,
            seed,
            spec.Template.System,
            transform?.Conversations,
            transform?.JsonLines);
    }

    /// <summary>
    /// Every input that decides the prepared training data, for the preparation cache's key: the data section and
    /// seed, the template and mask, and the files read on the way (data, validation, tokenizer files).
    /// </summary>
    public static IEnumerable<Caching.PreparationCache.Input> PreparationInputs(RecipeSpec spec, DataPipelineOptions options, int padTokenId)
    {
        static Caching.PreparationCache.Input S(string name, object? value) => Caching.PreparationCache.Input.Setting(name, value);
        static Caching.PreparationCache.Input F(string name, string? path) => Caching.PreparationCache.Input.File(name, path);
        for (int i = 0; i < options.Sources.Count; i++)
        {
            var source = options.Sources[i];
            yield return F($"data.train[{i}]", source.Path);
            yield return S($"data.train[{i}].weight", source.Weight?.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            yield return S($"data.train[{i}].tag", source.Tag);
        }
        yield return F("data.validation.path", options.ValidationFile);
        yield return S("data.validation.split", options.ValidationSplit?.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        yield return S("data.format", options.Format);
        yield return S("data.max_seq_len", options.MaxSeqLen);
        yield return S("data.truncation", options.Truncation);
        yield return S("data.packing", options.Packing);
        yield return S("packing strategy", options.PackingStrategy);
        yield return S("seed", options.Seed);
        yield return S("template.system", options.DefaultSystem);
        var t = spec.Template;
        yield return S("template.format", t.Format);
        yield return S("template.tokens", t.Tokens is { } k ? string.Join("", RecipeText.CustomTokens(k)) : null);
        yield return S("template.add_special_tokens", t.AddSpecialTokens);
        yield return S("mask.train_on", spec.Mask.TrainOn);
        yield return S("mask.train_eos", spec.Mask.TrainEos);
        yield return S("tokenizer", spec.Tokenizer.Source);
        yield return S("pad token id", padTokenId);
        var folder = TokenizerFolder(spec);
        var tokenizerJson = spec.Tokenizer.Source == TokenizerSource.Path && spec.Tokenizer.Path is { } file && !Directory.Exists(file)
            ? file
            : folder is null ? null : Path.Combine(folder, "tokenizer.json");
        yield return F("tokenizer.json", tokenizerJson);
        foreach (var name in new[] { "tokenizer_config.json", "special_tokens_map.json" })
            yield return F(name, folder is null ? null : Path.Combine(folder, name));
    }

    /// <summary>The folder of the recipe's tokenizer files (tokenizer path or model folder), or null for <c>builtin:bytes</c>.</summary>
    public static string? TokenizerFolder(RecipeSpec spec) => spec.Tokenizer.Source switch
    {
        TokenizerSource.Path when spec.Tokenizer.Path is { } p => Directory.Exists(p) ? p : Path.GetDirectoryName(p),
        TokenizerSource.Model => spec.Model.Path,
        _ => null,
    };

    /// <summary>The training conversations an export is proven on (<see cref="Export.ExportProof"/>): the first
    /// <paramref name="perFile"/> records of each training file and of the validation file, as read and transformed
    /// (before the default system prompt, as <see cref="Export.ExportProof.Verify"/> takes them).</summary>
    public static IEnumerable<Conversation> ProofSamples(DataPipelineOptions data, int perFile = 8)
    {
        foreach (var path in data.TrainFiles.Append(data.ValidationFile).Distinct())
            if (path is not null && File.Exists(path))
                foreach (var conversation in DataPipeline.ReadFile(path, data).Take(perFile))
                    yield return conversation;
    }

    /// <summary>The label view of the first <paramref name="count"/> training examples (what <c>inspect</c> shows),
    /// transformed by <paramref name="transform"/> as training transforms them.</summary>
    /// <exception cref="RecipeRunException">The recipe names a <c>data.transform</c> and <paramref name="transform"/> is null.</exception>
    public static LabelInspection Inspect(RecipeSpec spec, int count, DataTransform? transform)
    {
        var options = DataOptions(spec, spec.Training.Seed, transform);
        var tokenizer = CreateTokenizer(spec);
        var template = CreateTemplate(spec, tokenizer);
        var mask = MaskOptions(spec);
        var masker = new LossMasker(tokenizer, template, mask);
        var labeled = DataPipeline.Label(options, masker);
        var prepared = DataPipeline.Prepare(labeled, options, PadTokenId(tokenizer));
        return LabelInspection.Create(labeled.Train, labeled.Dropped, count, tokenizer, template.Name, mask, prepared.TrainStats);
    }

    /// <summary>The id padding slots of packed rows carry (never trained, never attended to).</summary>
    public static int PadTokenId(ITokenizer tokenizer) =>
        (tokenizer as HfTokenizer)?.PadTokenId ?? tokenizer.EosTokenId ?? 0;

    private static string TokenizerConfigPath(RecipeSpec spec) =>
        Path.Combine(TokenizerFolder(spec) ?? spec.Model.Path
            ?? throw new ChatTemplateException("template.format from-tokenizer needs a model folder or tokenizer path with a tokenizer_config.json"),
            "tokenizer_config.json");
}
