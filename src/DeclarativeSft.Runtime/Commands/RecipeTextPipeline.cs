using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Tokenizers;
using DataTruncation = DeclarativeSft.Data.TruncationMode;

namespace DeclarativeSft.Runtime.Commands;

/// <summary>
/// The text half of a recipe, mapped from <see cref="RecipeSpec"/> once for every consumer (the generated program's
/// commands and <c>sft inspect</c>): tokenizer, chat template, loss mask and data-pipeline options.
/// </summary>
public static class RecipeTextPipeline
{
    /// <summary>Token a <c>builtin:bytes</c> tokenizer ends sequences with (also the padding id of packed rows).</summary>
    public const string ByteTokenizerEos = "<|endoftext|>";

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
            _ => new ByteTokenizer(ByteTokenizerSpecials(spec.Template), eosToken: ByteTokenizerEos),
        };
        if (spec.Template is { Format: TemplateFormat.Custom, AddSpecialTokens: true, Tokens: { } tokens })
        {
            var missing = CustomTokens(tokens).Where(t => tokenizer.TokenToId(t) is null).Distinct().ToList();
            if (missing.Count > 0) tokenizer.AddSpecialTokens(missing);
        }
        return tokenizer;
    }

    /// <summary>The chat template of <c>template.format</c>.</summary>
    public static ChatTemplate CreateTemplate(RecipeSpec spec, ITokenizer tokenizer) => spec.Template.Format switch
    {
        TemplateFormat.ChatMl => new ChatMlTemplate(),
        TemplateFormat.Llama3 => new Llama3Template(),
        TemplateFormat.Alpaca => ChatTemplates.Named("alpaca", tokenizer),
        TemplateFormat.HumanAssistant => ChatTemplates.Named("human-assistant", tokenizer),
        TemplateFormat.Custom when spec.Template.Tokens is { } t => new RoleTokenTemplate(
            new RoleTokens(t.System.Start, t.System.End), new RoleTokens(t.User.Start, t.User.End),
            new RoleTokens(t.Assistant.Start, t.Assistant.End)),
        TemplateFormat.FromTokenizer => ChatTemplates.FromTokenizerConfig(TokenizerConfigPath(spec)),
        _ => throw new ChatTemplateException("template.format custom needs template.tokens { system: [open, close], user: [...], assistant: [...] }"),
    };

    /// <summary><c>mask.train_on</c> and <c>mask.train_eos</c>.</summary>
    public static LossMaskOptions MaskOptions(RecipeSpec spec) => new(MaskMode(spec.Mask.TrainOn), spec.Mask.TrainEos);

    /// <summary>The <c>data</c> section with <paramref name="seed"/> for the split, the mixing draws and the epoch order.</summary>
    public static DataPipelineOptions DataOptions(RecipeSpec spec, int seed)
    {
        var data = spec.Data;
        return new DataPipelineOptions(
            data.Train.Select(s => new TrainingSource(s.Path, s.Weight, s.Tag)).ToArray(),
            Format(data.Format),
            data.MaxSeqLen,
            Truncation(data.Truncation),
            data.Packing,
            PackingStrategy.BestFit,
            data.Validation?.Split,
            data.Validation?.Path,
            seed,
            spec.Template.System);
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
        yield return S("template.tokens", t.Tokens is { } k ? string.Join("", CustomTokens(k)) : null);
        yield return S("template.add_special_tokens", t.AddSpecialTokens);
        yield return S("mask.train_on", spec.Mask.TrainOn);
        yield return S("mask.train_eos", spec.Mask.TrainEos);
        yield return S("tokenizer", spec.Tokenizer.Source);
        yield return S("pad token id", padTokenId);
        var folder = spec.Tokenizer.Source switch
        {
            TokenizerSource.Path when spec.Tokenizer.Path is { } p => Directory.Exists(p) ? p : Path.GetDirectoryName(p),
            TokenizerSource.Model => spec.Model.Path,
            _ => null,
        };
        var tokenizerJson = spec.Tokenizer.Source == TokenizerSource.Path && spec.Tokenizer.Path is { } file && !Directory.Exists(file)
            ? file
            : folder is null ? null : Path.Combine(folder, "tokenizer.json");
        yield return F("tokenizer.json", tokenizerJson);
        foreach (var name in new[] { "tokenizer_config.json", "special_tokens_map.json" })
            yield return F(name, folder is null ? null : Path.Combine(folder, name));
    }

    /// <summary>The label view of the first <paramref name="count"/> training examples (what <c>inspect</c> shows).</summary>
    public static LabelInspection Inspect(RecipeSpec spec, int count)
    {
        var tokenizer = CreateTokenizer(spec);
        var template = CreateTemplate(spec, tokenizer);
        var mask = MaskOptions(spec);
        var masker = new LossMasker(tokenizer, template, mask);
        var options = DataOptions(spec, spec.Training.Seed);
        var labeled = DataPipeline.Label(options, masker);
        var prepared = DataPipeline.Prepare(labeled, options, PadTokenId(tokenizer));
        return LabelInspection.Create(labeled.Train, labeled.Dropped, count, tokenizer, template.Name, mask, prepared.TrainStats);
    }

    /// <summary>The id padding slots of packed rows carry (never trained, never attended to).</summary>
    public static int PadTokenId(ITokenizer tokenizer) =>
        (tokenizer as HfTokenizer)?.PadTokenId ?? tokenizer.EosTokenId ?? 0;

    private static IEnumerable<string> ByteTokenizerSpecials(TemplateSpec template) => template.Format switch
    {
        TemplateFormat.ChatMl => new ChatMlTemplate().SpecialTokens,
        TemplateFormat.Llama3 => new Llama3Template().SpecialTokens,
        TemplateFormat.Custom when template.Tokens != null => CustomTokens(template.Tokens),
        _ => [],
    };

    private static string[] CustomTokens(TemplateTokens t) =>
        [t.System.Start, t.System.End, t.User.Start, t.User.End, t.Assistant.Start, t.Assistant.End];

    private static string TokenizerConfigPath(RecipeSpec spec)
    {
        string? folder = spec.Tokenizer.Source == TokenizerSource.Path && spec.Tokenizer.Path != null
            ? (Directory.Exists(spec.Tokenizer.Path) ? spec.Tokenizer.Path : Path.GetDirectoryName(spec.Tokenizer.Path))
            : spec.Model.Path;
        if (folder == null)
            throw new ChatTemplateException("template.format from-tokenizer needs a model folder or tokenizer path with a tokenizer_config.json");
        return Path.Combine(folder, "tokenizer_config.json");
    }

    private static LossMaskMode MaskMode(MaskMode mode) => mode switch
    {
        Recipes.MaskMode.Assistant => LossMaskMode.Assistant,
        Recipes.MaskMode.LastAssistant => LossMaskMode.LastAssistant,
        Recipes.MaskMode.Completion => LossMaskMode.Completion,
        _ => LossMaskMode.All,
    };

    private static DatasetFormat Format(DataFormat format) => format switch
    {
        DataFormat.Messages => DatasetFormat.Messages,
        DataFormat.ShareGpt => DatasetFormat.ShareGpt,
        DataFormat.Alpaca => DatasetFormat.Alpaca,
        DataFormat.PromptCompletion => DatasetFormat.PromptCompletion,
        _ => DatasetFormat.UserAssistant,
    };

    private static DataTruncation Truncation(Recipes.TruncationMode mode) => mode switch
    {
        Recipes.TruncationMode.Drop => DataTruncation.Drop,
        Recipes.TruncationMode.Truncate => DataTruncation.Truncate,
        _ => DataTruncation.Error,
    };
}
