using System;
using System.Collections.Generic;
using System.Linq;
using DeclarativeSft.Data;

namespace DeclarativeSft.Recipes;

/// <summary>
/// The spellings of enum values in recipe YAML (the contract of recipe-format.md), in one place so the parser,
/// the JSON schema test and the emitter agree.
/// </summary>
public static class RecipeNames
{
    public static readonly IReadOnlyList<(string Name, TemplateFormat Value)> TemplateFormats = new[]
    {
        ("chatml", TemplateFormat.ChatMl), ("llama3", TemplateFormat.Llama3), ("alpaca", TemplateFormat.Alpaca),
        ("human-assistant", TemplateFormat.HumanAssistant), ("from-tokenizer", TemplateFormat.FromTokenizer),
        ("custom", TemplateFormat.Custom),
    };

    /// <summary><c>mask.train_on</c> (spelled where the data pipeline defines the modes).</summary>
    public static readonly IReadOnlyList<(string Name, LossMaskMode Value)> MaskModes = LossMaskOptions.ModeNames;

    /// <summary><c>data.format</c>.</summary>
    public static readonly IReadOnlyList<(string Name, DatasetFormat Value)> DataFormats = DatasetFormats.Names;

    /// <summary><c>data.truncation</c>.</summary>
    public static readonly IReadOnlyList<(string Name, TruncationMode Value)> TruncationModes = Truncation.ModeNames;

    public static readonly IReadOnlyList<(string Name, LrScheduler Value)> LrSchedulers = new[]
    {
        ("cosine", LrScheduler.Cosine), ("linear", LrScheduler.Linear), ("constant", LrScheduler.Constant),
    };

    public static readonly IReadOnlyList<(string Name, Precision Value)> Precisions = new[]
    {
        ("fp32", Precision.Fp32), ("bf16", Precision.Bf16),
    };

    public static readonly IReadOnlyList<(string Name, SaveKind Value)> SaveKinds = new[]
    {
        ("adapter", SaveKind.Adapter), ("merged", SaveKind.Merged), ("full", SaveKind.Full),
    };

    public static readonly IReadOnlyList<(string Name, ModelPreset Value)> ModelPresets = new[]
    {
        ("tiny", ModelPreset.Tiny), ("small", ModelPreset.Small),
    };

    /// <summary>Values of a <c>data.quality.&lt;check&gt;</c> key.</summary>
    public static readonly IReadOnlyList<(string Name, QualitySeverity Value)> QualitySeverities = new[]
    {
        ("off", QualitySeverity.Off), ("info", QualitySeverity.Info), ("warning", QualitySeverity.Warning), ("error", QualitySeverity.Error),
    };

    /// <summary>The dataset checks of <c>sft lint</c>, by their <c>data.quality</c> key (DeclarativeSft.Data's
    /// quality catalogue implements exactly these; a test keeps the two lists equal).</summary>
    public static readonly IReadOnlyList<string> QualityChecks = new[]
    {
        "duplicates", "near_duplicates", "format_collapse", "template_markers", "empty_turns", "role_order",
        "truncation", "bad_characters", "length_calibration", "trained_share", "consistency",
    };

    /// <summary>LoRA-able projections of a Llama-family decoder layer, in Hugging Face naming.</summary>
    public static readonly IReadOnlyList<(string Name, ModelModules Value)> LinearModules = new[]
    {
        ("q_proj", ModelModules.QProj), ("k_proj", ModelModules.KProj), ("v_proj", ModelModules.VProj),
        ("o_proj", ModelModules.OProj), ("gate_proj", ModelModules.GateProj), ("up_proj", ModelModules.UpProj),
        ("down_proj", ModelModules.DownProj),
    };

    /// <summary>Modules that <c>modules_to_save</c> may name.</summary>
    public static readonly IReadOnlyList<(string Name, ModelModules Value)> SavableModules = new[]
    {
        ("embed_tokens", ModelModules.EmbedTokens), ("lm_head", ModelModules.LmHead),
    };

    /// <summary>Architectures (config.json <c>architectures[0]</c>) the runtime implements.</summary>
    public static readonly IReadOnlyList<string> SupportedArchitectures = new[]
    {
        "LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM",
    };

    /// <summary>Hugging Face module names of a set, in layer order.</summary>
    public static IReadOnlyList<string> ModuleNames(ModelModules modules) =>
        LinearModules.Concat(SavableModules).Where(m => (modules & m.Value) == m.Value).Select(m => m.Name).ToArray();

    /// <summary>YAML spelling of an enum value.</summary>
    public static string NameOf<T>(IReadOnlyList<(string Name, T Value)> table, T value) where T : struct, Enum =>
        table.First(t => EqualityComparer<T>.Default.Equals(t.Value, value)).Name;
}
