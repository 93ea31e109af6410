namespace DeclarativeSft.Data;

/// <summary>Model input for one example. <see cref="Labels"/> is aligned with <see cref="InputIds"/> (not shifted:
/// the model predicts <c>Labels[t]</c> from positions <c>&lt; t</c>), with <see cref="Data.Labels.IgnoreIndex"/> where not trained.</summary>
public sealed record TokenizedExample(int[] InputIds, int[] Labels)
{
    public int Length => InputIds.Length;

    /// <summary>Positions whose label is not <see cref="Data.Labels.IgnoreIndex"/>.</summary>
    public int TrainedTokenCount => Labels.Count(l => l != Data.Labels.IgnoreIndex);
}
