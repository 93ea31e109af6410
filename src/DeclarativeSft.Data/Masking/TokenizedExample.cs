namespace DeclarativeSft.Data;

/// <summary>Model input for one example. <see cref="Labels"/> is aligned with <see cref="InputIds"/> (not shifted:
/// the model predicts <c>Labels[t]</c> from positions <c>&lt; t</c>), with <see cref="Data.Labels.IgnoreIndex"/> where not trained.</summary>
/// <param name="InputIds">Token ids.</param>
/// <param name="Labels">Target of each position, or IgnoreIndex.</param>
/// <param name="Tag">Index of the data source (<c>data.train</c> entry) the example comes from; per-tag losses are logged by it.</param>
public sealed record TokenizedExample(int[] InputIds, int[] Labels, int Tag = 0)
{
    public int Length => InputIds.Length;

    /// <summary>Positions whose label is not <see cref="Data.Labels.IgnoreIndex"/>.</summary>
    public int TrainedTokenCount => Labels.Count(l => l != Data.Labels.IgnoreIndex);
}
