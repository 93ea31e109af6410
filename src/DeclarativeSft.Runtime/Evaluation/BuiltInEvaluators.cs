using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Components;

namespace DeclarativeSft.Runtime.Evaluation;

/// <summary>The evaluators a recipe names without writing code (names in <see cref="BuiltInComponents"/>).</summary>
public static class BuiltInEvaluators
{
    /// <summary>A new instance of the built-in evaluator <paramref name="name"/>, or null when it is not built in.</summary>
    public static IEvaluator? Create(string name) => name switch
    {
        BuiltInComponents.ValidationLoss => new ValidationLossEvaluator(),
        BuiltInComponents.Perplexity => new PerplexityEvaluator(),
        BuiltInComponents.ExactMatch => new ExactMatchEvaluator(),
        _ => null,
    };
}

/// <summary><c>validation_loss</c>: mean cross-entropy over the validation data's trained tokens.</summary>
public sealed class ValidationLossEvaluator : IEvaluator
{
    /// <inheritdoc/>
    public bool NeedsAnswers => false;

    /// <inheritdoc/>
    public IReadOnlyList<EvaluationMetric> Score(EvaluationInput input) => [new("validation loss", input.ValidationLoss, "0.0000")];
}

/// <summary><c>perplexity</c>: exp of the validation loss.</summary>
public sealed class PerplexityEvaluator : IEvaluator
{
    /// <inheritdoc/>
    public bool NeedsAnswers => false;

    /// <inheritdoc/>
    public IReadOnlyList<EvaluationMetric> Score(EvaluationInput input) =>
        [new("perplexity", input.ValidationLoss is double loss ? Math.Exp(loss) : null, "0.00")];
}

/// <summary><c>exact_match</c>: share of held-out answers equal to the line's final assistant turn, ignoring
/// whitespace at either end.</summary>
public sealed class ExactMatchEvaluator : IEvaluator
{
    /// <inheritdoc/>
    public bool NeedsAnswers => true;

    /// <inheritdoc/>
    public IReadOnlyList<EvaluationMetric> Score(EvaluationInput input)
    {
        if (input.Answers is not { Items.Count: > 0 } answers)
            return [new("exact match", null, Note: input.Answers?.Note ?? HeldOutAnswering.NeedsValidationData(BuiltInComponents.ExactMatch))];
        int equal = answers.Items.Count(a => a.Completion.Trim() == a.Reference.Trim());
        return [new($"exact match ({answers.Items.Count} items)", equal / (double)answers.Items.Count)];
    }
}
