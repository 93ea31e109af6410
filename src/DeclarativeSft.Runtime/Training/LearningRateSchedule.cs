using DeclarativeSft.Recipes;

namespace DeclarativeSft.Runtime.Training;

/// <summary>
/// Learning rate at each optimizer step: linear warmup from 0 over <see cref="WarmupSteps"/>, then cosine decay to
/// 0, linear decay to 0, or constant, over the remaining steps — the shapes of Hugging Face's
/// get_{cosine,linear,constant}_schedule_with_warmup, so recipes ported from TRL behave the same.
/// </summary>
public sealed record LearningRateSchedule(LrScheduler Kind, double PeakLearningRate, int TotalSteps, int WarmupSteps)
{
    /// <summary>Builds the schedule from <c>warmup_ratio</c> (rounded up, as HF does) or <c>warmup_steps</c>.</summary>
    public static LearningRateSchedule Create(LrScheduler kind, double peak, int totalSteps, double? warmupRatio, int? warmupSteps)
    {
        int warmup = warmupSteps ?? (int)Math.Ceiling((warmupRatio ?? 0) * totalSteps);
        return new LearningRateSchedule(kind, peak, Math.Max(totalSteps, 1), Math.Max(warmup, 0));
    }

    /// <summary>The learning rate used for the update of step <paramref name="step"/> (0-based).</summary>
    public double At(int step)
    {
        if (step < WarmupSteps)
            return PeakLearningRate * step / Math.Max(1, WarmupSteps);
        if (Kind == LrScheduler.Constant)
            return PeakLearningRate;
        double progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        return Kind switch
        {
            LrScheduler.Linear => PeakLearningRate * Math.Max(0.0, 1.0 - progress),
            _ => PeakLearningRate * Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * progress))),
        };
    }
}
