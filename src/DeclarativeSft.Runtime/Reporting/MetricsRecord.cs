namespace DeclarativeSft.Runtime.Reporting;

/// <summary>One line of metrics.jsonl. Training lines carry loss/lr/grad_norm/throughput; evaluation lines
/// carry val_loss; both carry the step and the cumulative number of trained (loss-bearing) tokens. With several data
/// sources, <see cref="LossByTag"/> and <see cref="ValLossByTag"/> give the loss of each source (mean cross-entropy
/// over its trained tokens in the step, or in the validation rows).</summary>
public sealed record MetricsRecord(
    int Step,
    double? Loss,
    double? ValLoss,
    double? Lr,
    double? GradNorm,
    double? TokensPerS,
    long TrainedTokens,
    IReadOnlyDictionary<string, double>? LossByTag = null,
    IReadOnlyDictionary<string, double>? ValLossByTag = null);
