namespace DeclarativeSft.Data;

/// <summary>The <c>data</c> section of a recipe, resolved (absolute paths) — what <see cref="DataPipeline"/> needs
/// besides a <see cref="LossMasker"/>.</summary>
/// <param name="ValidationSplit">Fraction held out of the training files, or null.</param>
/// <param name="ValidationFile">A separate validation file (same format), or null.</param>
/// <param name="ReplayFile">General data mixed in (same format), or null.</param>
/// <param name="DefaultSystem">template.system: the system prompt of examples that have none.</param>
public sealed record DataPipelineOptions(
    IReadOnlyList<string> TrainFiles,
    DatasetFormat Format,
    int MaxSeqLen,
    TruncationMode Truncation = TruncationMode.Drop,
    bool Packing = true,
    PackingStrategy PackingStrategy = PackingStrategy.BestFit,
    double? ValidationSplit = null,
    string? ValidationFile = null,
    string? ReplayFile = null,
    double ReplayRatio = 0,
    int Seed = 42,
    string? DefaultSystem = null);
