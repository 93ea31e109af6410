using DeclarativeSft.Runtime.Training;

namespace DeclarativeSft.Runtime.Reporting;

/// <summary>Progress as plain lines for logs and pipes: about forty step lines per run (plus the first and the
/// last), and every message, so a long run's log stays readable.</summary>
public sealed class TrainingProgressLines(TextWriter output) : ITrainingProgress
{
    private readonly PlainTrainingProgress _plain = new(output);

    /// <inheritdoc/>
    public void Step(int step, int totalSteps, double loss, double lr, double tokensPerSecond, TimeSpan eta)
    {
        int every = Math.Max(1, totalSteps / 40);
        if (step == 1 || step == totalSteps || step % every == 0) _plain.Step(step, totalSteps, loss, lr, tokensPerSecond, eta);
    }

    /// <inheritdoc/>
    public void Message(string text) => _plain.Message(text);
}
