using DeclarativeSft.Runtime.Training;

namespace DeclarativeSft.Runtime.Reporting;

/// <summary>Forwards progress to a target that can be swapped once the display exists (the Spectre bar is created
/// only when training starts, after the trainer).</summary>
public sealed class ProgressRelay(ITrainingProgress target) : ITrainingProgress
{
    /// <summary>Where progress goes now.</summary>
    public ITrainingProgress Target { get; set; } = target;

    /// <inheritdoc/>
    public void Step(int step, int totalSteps, double loss, double lr, double tokensPerSecond, TimeSpan eta) =>
        Target.Step(step, totalSteps, loss, lr, tokensPerSecond, eta);

    /// <inheritdoc/>
    public void Message(string text) => Target.Message(text);

    /// <inheritdoc/>
    public void Evaluated(int step, double validationLoss) => Target.Evaluated(step, validationLoss);
}
