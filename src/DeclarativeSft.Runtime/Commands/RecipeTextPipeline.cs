using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Runtime.Commands;

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

    /// <summary>The <c>data</c> section with <paramref name="seed"/> for the split and the replay sample.</summary>
    public static DataPipelineOptions DataOptions(RecipeSpec spec, int seed)
    {
        var data = spec.Data;
        return new DataPipelineOptions(
            data.Train.ToArray(),
            RecipeText.Format(data.Format),
            data.MaxSeqLen,
            RecipeText.Truncation(data.Truncation),
            data.Packing,
            PackingStrategy.BestFit,
            data.Validation?.Split,
            data.Validation?.Path,
            data.Replay?.Path,
            data.Replay?.Ratio ?? 0,
            seed,
            spec.Template.System);
    }

    /// <summary>The label view of the first <paramref name="count"/> training examples (what <c>inspect</c> shows).</summary>
    public static LabelInspection Inspect(RecipeSpec spec, int count)
    {
        var tokenizer = CreateTokenizer(spec);
        var template = CreateTemplate(spec, tokenizer);
        var mask = MaskOptions(spec);
        var masker = new LossMasker(tokenizer, template, mask);
        var prepared = DataPipeline.Prepare(DataOptions(spec, spec.Training.Seed), masker, PadTokenId(tokenizer));
        return LabelInspection.Create(prepared.Train, prepared.TrainTruncation.Dropped, count, tokenizer, template.Name, mask, prepared.TrainStats);
    }

    /// <summary>The id padding slots of packed rows carry (never trained, never attended to).</summary>
    public static int PadTokenId(ITokenizer tokenizer) =>
        (tokenizer as HfTokenizer)?.PadTokenId ?? tokenizer.EosTokenId ?? 0;

    private static string TokenizerConfigPath(RecipeSpec spec)
    {
        string? folder = spec.Tokenizer.Source == TokenizerSource.Path && spec.Tokenizer.Path != null
            ? (Directory.Exists(spec.Tokenizer.Path) ? spec.Tokenizer.Path : Path.GetDirectoryName(spec.Tokenizer.Path))
            : spec.Model.Path;
        if (folder == null)
            throw new ChatTemplateException("template.format from-tokenizer needs a model folder or tokenizer path with a tokenizer_config.json");
        return Path.Combine(folder, "tokenizer_config.json");
    }
}
