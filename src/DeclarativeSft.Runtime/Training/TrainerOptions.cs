using DeclarativeSft.Recipes;

namespace DeclarativeSft.Runtime.Training;

/// <summary>Everything the training loop needs to know, flattened from a recipe (tests build it directly).</summary>
public sealed record TrainerOptions
{
    public required string OutputDir { get; init; }
    public int Epochs { get; init; } = 1;
    public int GradientAccumulationSteps { get; init; } = 1;
    public double LearningRate { get; init; } = 2e-4;
    public LrScheduler Scheduler { get; init; } = LrScheduler.Cosine;
    public double? WarmupRatio { get; init; }
    public int? WarmupSteps { get; init; }
    public double WeightDecay { get; init; }
    /// <summary>0 = no clipping (the norm is still measured and logged).</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    public int? MaxSteps { get; init; }
    public int Seed { get; init; } = 42;
    public bool GradientCheckpointing { get; init; }
    public double L2ToBase { get; init; }
    public double KlToBase { get; init; }
    /// <summary>Evaluate validation loss every N optimizer steps (0 = only at the end).</summary>
    public int EvalEverySteps { get; init; }
    public int EarlyStoppingPatience { get; init; }
    /// <summary>Write a checkpoint every N optimizer steps (0 = only at the end).</summary>
    public int CheckpointEverySteps { get; init; }
    public IReadOnlyList<string> SamplePrompts { get; init; } = [];
    public int MaxNewTokens { get; init; } = 64;
    /// <summary>Resume from the newest checkpoint in OutputDir/checkpoints when one exists.</summary>
    public bool ResumeAuto { get; init; }
    /// <summary>Resume from this checkpoint folder.</summary>
    public string? ResumeFrom { get; init; }
    /// <summary>Stop (as if killed) after this many optimizer steps of this process; for tests and --max-steps.</summary>
    public int? StopAfterSteps { get; init; }
    /// <summary>adapter_config.json written into every checkpoint of a LoRA run (so `sft export --checkpoint` works).</summary>
    public string? AdapterConfigJson { get; init; }
    /// <summary>Keep only the newest N complete checkpoints (older ones removed after each save; the newest is never
    /// removed); 0 = keep all.</summary>
    public int KeepCheckpoints { get; init; }
    /// <summary>What else makes this run this run (recipe, model, LoRA, data rows…), recipe key → value; stored in every
    /// checkpoint and compared on resume together with the options above that change training.</summary>
    public IReadOnlyDictionary<string, string>? RunIdentity { get; init; }
    /// <summary>Source names of the validation rows' tags when validation loss is logged per source (a split of
    /// several sources); null: validation loss only overall.</summary>
    public IReadOnlyList<string>? ValidationTags { get; init; }
}
