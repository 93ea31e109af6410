namespace DeclarativeSft.Data;

/// <summary>The <c>data</c> section of a recipe, resolved (absolute paths) — what <c>DataPipeline</c> needs
/// besides a <see cref="LossMasker"/>.</summary>
/// <param name="TrainFiles">Training data files (absolute paths), read in order.</param>
/// <param name="Format">The data files' format.</param>
/// <param name="MaxSeqLen">Longest example, in tokens; also the packed row length.</param>
/// <param name="Truncation">What happens to examples longer than <paramref name="MaxSeqLen"/>.</param>
/// <param name="Packing">Pack several examples per row (block-causal) instead of one padded example per row.</param>
/// <param name="PackingStrategy">How examples are assigned to rows when packing.</param>
/// <param name="ValidationSplit">Fraction held out of the training files, or null.</param>
/// <param name="ValidationFile">A separate validation file (same format), or null.</param>
/// <param name="ReplayFile">General data mixed in (same format), or null.</param>
/// <param name="ReplayRatio">Share of the training mix made of replay examples, in [0, 1).</param>
/// <param name="Seed">Seed of the validation split and the replay sample.</param>
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
