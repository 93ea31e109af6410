using System.Collections.Generic;
using System.Linq;
using DeclarativeSft.Data;

namespace DeclarativeSft.Recipes;

/// <summary>
/// A parsed, validated recipe (<c>recipe.sft.yaml</c>): every key of the recipe format with defaults applied and
/// paths resolved to absolute against the recipe's folder. Values only — no YAML or Roslyn objects — so it can be
/// compared, cached by the generator and emitted as C#.
/// </summary>
/// <param name="Name">Recipe name (<c>name</c>), e.g. <c>code-assistant</c>.</param>
/// <param name="RecipePath">Absolute path of the recipe file.</param>
/// <param name="RecipeDirectory">Absolute folder of the recipe file; relative paths resolved against it.</param>
/// <param name="Hooks"><c>hooks</c>: classes of the recipe project the training loop calls (<c>ITrainingHook</c>), by name.</param>
public sealed record RecipeSpec(
    string Name,
    string RecipePath,
    string RecipeDirectory,
    ModelSpec Model,
    TokenizerSpec Tokenizer,
    TemplateSpec Template,
    MaskSpec Mask,
    DataSpec Data,
    LoraSpec? Lora,
    TrainingSpec Training,
    RegularizationSpec Regularization,
    EvalSpec Eval,
    OutputSpec Output,
    EquatableArray<string> Hooks)
{
    /// <summary>True when <c>lora</c> is absent: every (unfrozen) parameter is trained.</summary>
    public bool IsFullFineTune => Lora is null;

    /// <summary>Examples per optimizer step: micro_batch_size × gradient_accumulation_steps.</summary>
    public int EffectiveBatchSize => Training.MicroBatchSize * Training.GradientAccumulationSteps;
}

/// <summary><c>model</c>: either a Hugging Face checkpoint folder or a from-scratch initialisation.</summary>
/// <param name="Path">Absolute checkpoint folder (<c>model.path</c>), or null with <paramref name="Init"/>.</param>
/// <param name="Init"><c>model.init</c>, or null with <paramref name="Path"/>.</param>
public sealed record ModelSpec(string? Path, ModelInitSpec? Init);

/// <summary><c>model.init</c>: a freshly initialised model of a preset size.</summary>
public sealed record ModelInitSpec(ModelPreset Preset, int Seed);

/// <summary><c>tokenizer</c>: <c>model</c> | path | <c>builtin:bytes</c>.</summary>
/// <param name="Path">Absolute tokenizer.json (or folder) when <paramref name="Source"/> is Path; for Model, the model folder.</param>
public sealed record TokenizerSpec(TokenizerSource Source, string? Path);

/// <summary>A start/end marker pair of one role in a custom template.</summary>
public sealed record TokenPair(string Start, string End);

/// <summary><c>template.tokens</c> of a custom template.</summary>
public sealed record TemplateTokens(TokenPair System, TokenPair User, TokenPair Assistant);

/// <summary><c>template</c>.</summary>
/// <param name="System">Default system prompt (<c>template.system</c>) used when an example has none.</param>
/// <param name="Tokens">Role markers, only for <see cref="TemplateFormat.Custom"/>.</param>
/// <param name="AddSpecialTokens">Add the custom markers to the vocabulary as new special tokens.</param>
public sealed record TemplateSpec(TemplateFormat Format, string? System, TemplateTokens? Tokens, bool AddSpecialTokens);

/// <summary><c>mask</c>: which tokens carry loss.</summary>
public sealed record MaskSpec(LossMaskMode TrainOn, bool TrainEos);

/// <summary><c>data.validation</c>: a fraction split off the training data, or a separate file.</summary>
public sealed record ValidationSpec(double? Split, string? Path);

/// <summary>One source of <c>data.train</c>: a JSONL file, its share of the training mix and the tag its metrics are
/// logged under. A plain path is a source without a weight.</summary>
/// <param name="Path">Absolute path of the JSONL file.</param>
/// <param name="Weight">Share of the mix relative to the other sources' weights (positive, finite), or null: every
/// example once per epoch. Either every source has a weight or none has.</param>
/// <param name="Tag">Name of the source in metrics.jsonl, the loss plot and reports (unique; default: the file name
/// without extension).</param>
public sealed record DataSourceSpec(string Path, double? Weight, string Tag);

/// <summary><c>data.quality</c>: the severity of each <c>sft lint</c> check (<see cref="QualitySeverity.Default"/> =
/// the check's own default).</summary>
/// <param name="Severities">Check name (a key of <c>data.quality</c>) → severity, for the checks the recipe sets.</param>
public sealed record QualitySpec(EquatableArray<QualitySetting> Severities)
{
    /// <summary>No check overridden.</summary>
    public static QualitySpec Defaults { get; } = new(EquatableArray<QualitySetting>.Empty);

    /// <summary>The severity the recipe sets for <paramref name="check"/>, or <see cref="QualitySeverity.Default"/>.</summary>
    public QualitySeverity For(string check)
    {
        foreach (var s in Severities)
            if (s.Check == check) return s.Severity;
        return QualitySeverity.Default;
    }
}

/// <summary>One <c>data.quality</c> entry: a check and its severity.</summary>
public sealed record QualitySetting(string Check, QualitySeverity Severity);

/// <summary><c>data</c>.</summary>
/// <param name="Train">The training sources, in recipe order (the first one is seen exactly once per epoch when
/// sources have weights; see <c>docs/data-mixing.md</c>).</param>
/// <param name="Quality">Severities of the dataset checks of <c>sft lint</c>.</param>
/// <param name="Transform"><c>data.transform</c>: a class of the recipe project (<c>IExampleTransform</c>) the run applies
/// to every conversation before rendering, or null.</param>
public sealed record DataSpec(
    EquatableArray<DataSourceSpec> Train,
    DatasetFormat Format,
    ValidationSpec? Validation,
    int MaxSeqLen,
    TruncationMode Truncation,
    bool Packing,
    QualitySpec Quality,
    string? Transform = null)
{
    /// <summary>The training files, in recipe order.</summary>
    public IEnumerable<string> TrainPaths => Train.Select(s => s.Path);

    /// <summary>True when the sources carry weights (the sampler mixes them); false: each example once per epoch.</summary>
    public bool IsWeighted => Train.Count > 0 && Train[0].Weight is not null;
}

/// <summary><c>lora</c>; absent in the recipe ⇒ full fine-tuning.</summary>
/// <param name="TargetModules">Projections that get adapters (<c>all-linear</c> = <see cref="ModelModules.AllLinear"/>).</param>
/// <param name="ModulesToSave">Modules trained fully next to the adapters (embed_tokens, lm_head).</param>
public sealed record LoraSpec(int R, double Alpha, double Dropout, ModelModules TargetModules, bool UseRslora, ModelModules ModulesToSave)
{
    /// <summary>Adapter scale: alpha/r, or alpha/√r with rsLoRA.</summary>
    public double Scaling => UseRslora ? Alpha / System.Math.Sqrt(R) : Alpha / R;
}

/// <summary><c>training</c>.</summary>
/// <param name="WarmupRatio">Fraction of total steps used for warmup (exclusive with <paramref name="WarmupSteps"/>).</param>
/// <param name="Device"><c>auto</c> | <c>cpu</c> | <c>cuda</c> | <c>cuda:N</c>.</param>
/// <param name="MemoryBudgetBytes">Optional budget; the build fails if the estimate exceeds it.</param>
/// <param name="MaxSteps">Optional cap on optimizer steps.</param>
public sealed record TrainingSpec(
    int Epochs,
    int MicroBatchSize,
    int GradientAccumulationSteps,
    double LearningRate,
    LrScheduler LrScheduler,
    double? WarmupRatio,
    int? WarmupSteps,
    double WeightDecay,
    double MaxGradNorm,
    int FreezeLayers,
    bool GradientCheckpointing,
    Precision Precision,
    string Device,
    long? MemoryBudgetBytes,
    int Seed,
    int? MaxSteps);

/// <summary><c>regularization</c>: pulls toward the base model against forgetting.</summary>
/// <param name="L2ToBase">λ of λ·‖θ−θ₀‖².</param>
/// <param name="KlToBase">Weight of KL(p_base ‖ p_θ) on trained positions.</param>
public sealed record RegularizationSpec(double L2ToBase, double KlToBase);

/// <summary><c>eval</c>.</summary>
/// <param name="EverySteps">Evaluate every N optimizer steps; 0 = only at the end.</param>
/// <param name="EarlyStoppingPatience">Evaluations without improvement before stopping; 0 = off.</param>
/// <param name="Samples">Prompts generated from at each evaluation.</param>
/// <param name="Evaluators"><c>eval.evaluators</c>: built-in names (<see cref="BuiltInComponents"/>) or classes of the
/// recipe project, in the order their metrics are shown.</param>
public sealed record EvalSpec(int EverySteps, int EarlyStoppingPatience, EquatableArray<string> Samples, int MaxNewTokens, EquatableArray<string> Evaluators);

/// <summary><c>output</c>.</summary>
/// <param name="Dir">Absolute output folder.</param>
/// <param name="Save">What to write at the end (a set).</param>
/// <param name="CheckpointEverySteps">0 = no intermediate checkpoints.</param>
/// <param name="ResumePath">Checkpoint folder when <paramref name="Resume"/> is Path.</param>
/// <param name="KeepCheckpoints">Newest complete checkpoints kept (<c>output.keep_checkpoints</c>); older ones are removed after each save. 0 = keep all.</param>
public sealed record OutputSpec(string Dir, SaveKind Save, int CheckpointEverySteps, ResumeMode Resume, string? ResumePath, int KeepCheckpoints = OutputSpec.DefaultKeepCheckpoints)
{
    /// <summary>Default of <c>output.keep_checkpoints</c>.</summary>
    public const int DefaultKeepCheckpoints = 3;
}
