namespace DeclarativeSft.Runtime.Reporting;

/// <summary>One line of metrics.jsonl. Training lines carry loss/lr/grad_norm/throughput; evaluation lines
/// carry val_loss; both carry the step and the cumulative number of trained (loss-bearing) tokens.</summary>
public sealed record MetricsRecord(
    int Step,
    double? Loss,
    double? ValLoss,
    double? Lr,
    double? GradNorm,
    double? TokensPerS,
    long TrainedTokens);
