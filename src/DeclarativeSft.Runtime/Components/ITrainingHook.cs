namespace DeclarativeSft.Runtime.Components;

/// <summary>
/// Code of the recipe project called by the training loop, named in the recipe's <c>hooks</c> list and constructed
/// by the generated program like an <see cref="IEvaluator"/>. Every method has an empty default: implement what you
/// need. A hook runs on the training thread between steps: keep it short, and do not keep tensors.
/// </summary>
public interface ITrainingHook
{
    /// <summary>After each optimizer step.</summary>
    void OnStepEnd(TrainingStepInfo step) { }

    /// <summary>After each evaluation of the validation loss during training.</summary>
    void OnEvaluation(ValidationInfo evaluation) { }
}

/// <summary>An optimizer step that just finished.</summary>
/// <param name="Step">1-based step number.</param>
/// <param name="TotalSteps">Steps the run will take.</param>
/// <param name="Loss">Mean training loss of the step's trained tokens.</param>
/// <param name="LearningRate">Learning rate the step used.</param>
public sealed record TrainingStepInfo(int Step, int TotalSteps, double Loss, double LearningRate);

/// <summary>A validation evaluation during training.</summary>
/// <param name="Step">The step it followed.</param>
/// <param name="ValidationLoss">Mean validation loss.</param>
public sealed record ValidationInfo(int Step, double ValidationLoss);
