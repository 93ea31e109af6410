namespace DeclarativeSft.Data;

/// <summary>Which tokens contribute to the loss (recipe key <c>mask.train_on</c>).</summary>
public enum LossMaskMode
{
    /// <summary>Every assistant turn's content (and closing marker when <c>train_eos</c>).</summary>
    Assistant,
    /// <summary>Only the last assistant turn.</summary>
    LastAssistant,
    /// <summary>prompt_completion data: the completion (the final assistant turn) only.</summary>
    Completion,
    /// <summary>Every token of the rendering (continued pretraining style).</summary>
    All,
}

/// <summary>Loss-mask settings: the mode and whether the assistant's closing end-of-turn marker is trained.</summary>
public sealed record LossMaskOptions(LossMaskMode Mode = LossMaskMode.Assistant, bool TrainEos = true)
{
    /// <summary>The recipe spellings of <c>mask.train_on</c> (the recipe parser reads these).</summary>
    public static IReadOnlyList<(string Name, LossMaskMode Value)> ModeNames { get; } =
    [
        ("assistant", LossMaskMode.Assistant), ("last_assistant", LossMaskMode.LastAssistant),
        ("completion", LossMaskMode.Completion), ("all", LossMaskMode.All),
    ];

    /// <summary>The recipe spelling of <paramref name="mode"/>.</summary>
    public static string NameOf(LossMaskMode mode) => ModeNames.First(m => m.Value == mode).Name;
}
