namespace DeclarativeSft.Runtime.Training;

/// <summary>Where the loop reports progress: a Spectre.Console bar on a terminal, plain lines otherwise.</summary>
public interface ITrainingProgress
{
    /// <summary>After each optimizer step.</summary>
    void Step(int step, int totalSteps, double loss, double lr, double tokensPerSecond, TimeSpan eta);
    /// <summary>A line of its own (evaluation, checkpoint, samples).</summary>
    void Message(string text);
    /// <summary>After each validation evaluation during training (its line has gone to <see cref="Message"/>).</summary>
    void Evaluated(int step, double validationLoss) { }
}

/// <summary>One plain line per step: for logs, CI and pipes.</summary>
public sealed class PlainTrainingProgress(TextWriter output) : ITrainingProgress
{
    public void Step(int step, int totalSteps, double loss, double lr, double tokensPerSecond, TimeSpan eta) =>
        output.WriteLine(FormattableString.Invariant(
            $"step {step}/{totalSteps}  loss {loss:0.0000}  lr {lr:0.000e+0}  {tokensPerSecond:0} tok/s  eta {eta:hh\\:mm\\:ss}"));

    public void Message(string text) => output.WriteLine(text);
}
