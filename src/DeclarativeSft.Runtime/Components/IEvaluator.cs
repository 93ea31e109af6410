using DeclarativeSft.Recipes;

namespace DeclarativeSft.Runtime.Components;

/// <summary>
/// A held-out metric the recipe names under <c>eval.evaluators</c>: a built-in (<c>validation_loss</c>,
/// <c>perplexity</c>, <c>exact_match</c>) or a class of the recipe project. The generated program constructs it
/// directly (a public or internal class with a constructor taking nothing or the <see cref="RecipeSpec"/>, paths
/// resolved for the run); the build
/// checks the name, the kind and the constructor at the YAML line. It runs before and after training and in
/// <c>eval</c>; each metric is a row of the results table.
/// </summary>
public interface IEvaluator
{
    /// <summary>Whether <see cref="Score"/> reads <see cref="EvaluationInput.Answers"/>: the model's greedy answers to
    /// the validation examples' prompts. Generating them costs time, so they are produced only when some evaluator asks.</summary>
    bool NeedsAnswers { get; }

    /// <summary>The metrics of one evaluation, in the order they are shown.</summary>
    IReadOnlyList<EvaluationMetric> Score(EvaluationInput input);
}

/// <summary>One row of the results table.</summary>
/// <param name="Label">What it measures, e.g. <c>exact match (200 tasks)</c>.</param>
/// <param name="Value">The value, or null when it could not be measured (then <paramref name="Note"/> says why).</param>
/// <param name="Format">.NET numeric format of the value: <c>P1</c> for a share, <c>0.0000</c> for a loss.</param>
/// <param name="Note">Shown under the table when set: why the value is missing, or what it depends on.</param>
public sealed record EvaluationMetric(string Label, double? Value, string Format = "P1", string? Note = null);

/// <summary>What an evaluation sees.</summary>
/// <param name="Recipe">The recipe being trained (paths are absolute).</param>
/// <param name="ValidationLoss">Mean loss over the validation data's trained tokens, or null without validation data.</param>
/// <param name="Answers">The model's answers to the validation examples' prompts (<c>data.validation</c>'s file or
/// split), when an evaluator needs them and the recipe has validation data; otherwise null.</param>
public sealed record EvaluationInput(RecipeSpec Recipe, double? ValidationLoss, HeldOutAnswers? Answers);
