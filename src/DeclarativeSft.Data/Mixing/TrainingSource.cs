namespace DeclarativeSft.Data;

/// <summary>One <c>data.train</c> source as the data pipeline reads it.</summary>
/// <param name="Path">Absolute path of the JSONL file.</param>
/// <param name="Weight">Its share of the mix relative to the other sources' weights, or null (every example once per
/// epoch). Either every source of a mix has a weight or none has.</param>
/// <param name="Tag">The name its losses are logged under.</param>
public sealed record TrainingSource(string Path, double? Weight, string Tag);
