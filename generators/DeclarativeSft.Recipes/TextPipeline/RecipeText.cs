using System;
using System.Collections.Generic;
using System.Linq;
using DeclarativeSft.Data;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Recipes;

/// <summary>
/// The text half of a recipe — tokenizer, chat template, loss mask, data format and truncation — made from a
/// <see cref="RecipeSpec"/> and the contents of its tokenizer files. One mapping for the build (the generator's data
/// checks, handed the AdditionalFiles text) and the run (the runtime reads the files and calls the same functions),
/// so that what the build checks is what trains.
/// </summary>
public static class RecipeText
{
    /// <summary>Token a <c>builtin:bytes</c> tokenizer ends sequences with (also the padding id of packed rows).</summary>
    public const string ByteTokenizerEos = "<|endoftext|>";

    /// <summary>Whether the recipe's tokenizer is the byte tokenizer (<c>builtin:bytes</c>, or <c>model</c> for a
    /// model trained from scratch), which needs no file.</summary>
    public static bool UsesByteTokenizer(RecipeSpec spec) =>
        spec.Tokenizer.Source == TokenizerSource.BuiltinBytes || spec.Tokenizer.Source == TokenizerSource.Model && spec.Model.Path is null;

    /// <summary>The byte tokenizer with the template's special tokens.</summary>
    public static ByteTokenizer CreateByteTokenizer(RecipeSpec spec) =>
        new(ByteTokenizerSpecials(spec.Template), eosToken: ByteTokenizerEos);

    /// <summary>A tokenizer.json (and its tokenizer_config.json, when there is one) from their UTF-8 contents.</summary>
    /// <exception cref="TokenizerLoadException">The file is malformed or uses unsupported parts.</exception>
    public static HfTokenizer LoadTokenizer(ReadOnlyMemory<byte> tokenizerJson, string tokenizerJsonPath, ReadOnlyMemory<byte>? tokenizerConfigJson, string tokenizerConfigPath) =>
        HfTokenizer.FromJson(tokenizerJson, tokenizerConfigJson, tokenizerJsonPath, tokenizerConfigPath);

    /// <summary>With <c>template.add_special_tokens</c>, adds the custom markers the tokenizer lacks (new ids after
    /// the vocabulary); otherwise leaves it as it is.</summary>
    public static ITokenizer WithRecipeTokens(RecipeSpec spec, ITokenizer tokenizer)
    {
        if (spec.Template is { Format: TemplateFormat.Custom, AddSpecialTokens: true, Tokens: { } tokens })
        {
            var missing = CustomTokens(tokens).Where(t => tokenizer.TokenToId(t) is null).Distinct().ToList();
            if (missing.Count > 0) tokenizer.AddSpecialTokens(missing);
        }
        return tokenizer;
    }

    /// <summary>The chat template of <c>template.format</c>; <c>from-tokenizer</c> needs the tokenizer_config.json text.</summary>
    /// <exception cref="ChatTemplateException">The format needs something the recipe does not give.</exception>
    /// <exception cref="Jinja.JinjaException">The model's chat template does not parse.</exception>
    public static ChatTemplate CreateTemplate(RecipeSpec spec, ITokenizer tokenizer, string? tokenizerConfigPath, string? tokenizerConfigText) => spec.Template.Format switch
    {
        TemplateFormat.ChatMl => new ChatMlTemplate(),
        TemplateFormat.Llama3 => new Llama3Template(),
        TemplateFormat.Alpaca => ChatTemplates.Named("alpaca", tokenizer),
        TemplateFormat.HumanAssistant => ChatTemplates.Named("human-assistant", tokenizer),
        TemplateFormat.Custom when spec.Template.Tokens is { } t => new RoleTokenTemplate(
            new RoleTokens(t.System.Start, t.System.End), new RoleTokens(t.User.Start, t.User.End),
            new RoleTokens(t.Assistant.Start, t.Assistant.End)),
        TemplateFormat.FromTokenizer when tokenizerConfigPath is not null && tokenizerConfigText is not null =>
            ChatTemplates.FromTokenizerConfigText(tokenizerConfigText, tokenizerConfigPath),
        TemplateFormat.FromTokenizer => throw new ChatTemplateException("template.format from-tokenizer needs a model folder or tokenizer path with a tokenizer_config.json"),
        _ => throw new ChatTemplateException("template.format custom needs template.tokens { system: [open, close], user: [...], assistant: [...] }"),
    };

    /// <summary><c>mask.train_on</c> and <c>mask.train_eos</c>.</summary>
    public static LossMaskOptions MaskOptions(RecipeSpec spec) => new(spec.Mask.TrainOn, spec.Mask.TrainEos);

    private static IEnumerable<string> ByteTokenizerSpecials(TemplateSpec template) => template.Format switch
    {
        TemplateFormat.ChatMl => new ChatMlTemplate().SpecialTokens,
        TemplateFormat.Llama3 => new Llama3Template().SpecialTokens,
        TemplateFormat.Custom when template.Tokens != null => CustomTokens(template.Tokens),
        _ => Array.Empty<string>(),
    };

    /// <summary>The six role markers of a custom template, in system, user, assistant order.</summary>
    public static string[] CustomTokens(TemplateTokens t) =>
        new[] { t.System.Start, t.System.End, t.User.Start, t.User.End, t.Assistant.Start, t.Assistant.End };
}
