namespace DeclarativeSft.Runtime.Training;

/// <summary>
/// What a training run knows that its recipe does not say. Everything the recipe says (schedule, evaluation,
/// checkpoints, output folder, resume policy) the <see cref="Trainer"/> reads from the recipe's own records, so the only
/// defaults are the parser's.
/// </summary>
public sealed record RunContext
{
    /// <summary>Nothing beyond the recipe: no early stop, identity from the training settings only, no per-source validation.</summary>
    public static RunContext None { get; } = new();

    /// <summary>Stop (as if killed) after this many optimizer steps of this process; null: run to the end. For resume tests.</summary>
    public int? StopAfterSteps { get; init; }

    /// <summary>What else makes this run this run (recipe, model, LoRA, data rows…), recipe key → value; stored in every
    /// checkpoint and compared on resume together with the training settings the trainer reads itself.</summary>
    public IReadOnlyDictionary<string, string>? RunIdentity { get; init; }

    /// <summary>Source names of the validation rows' tags when validation loss is logged per source (a split of
    /// several sources); null: validation loss only overall.</summary>
    public IReadOnlyList<string>? ValidationTags { get; init; }
}
