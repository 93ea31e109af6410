using DeclarativeSft.Runtime.Training;

namespace DeclarativeSft.Runtime.Components;

/// <summary>Progress that also calls the recipe's hooks: the training loop knows only <see cref="ITrainingProgress"/>.</summary>
public sealed class HookedProgress(ITrainingProgress inner, IReadOnlyList<ITrainingHook> hooks) : ITrainingProgress
{
    /// <inheritdoc/>
    public void Step(int step, int totalSteps, double loss, double lr, double tokensPerSecond, TimeSpan eta)
    {
        inner.Step(step, totalSteps, loss, lr, tokensPerSecond, eta);
        if (hooks.Count == 0) return;
        var info = new TrainingStepInfo(step, totalSteps, loss, lr);
        foreach (var hook in hooks) hook.OnStepEnd(info);
    }

    /// <inheritdoc/>
    public void Message(string text) => inner.Message(text);

    /// <inheritdoc/>
    public void Evaluated(int step, double validationLoss)
    {
        inner.Evaluated(step, validationLoss);
        var info = new ValidationInfo(step, validationLoss);
        foreach (var hook in hooks) hook.OnEvaluation(info);
    }
}
