using System.Collections.Generic;

namespace DeclarativeSft.Recipes;

/// <summary>A component a recipe can name without writing code.</summary>
/// <param name="Name">The recipe's name for it, e.g. <c>exact_match</c>.</param>
/// <param name="TypeName">The runtime class the generated program constructs.</param>
/// <param name="Description">What it measures, for diagnostics and docs.</param>
public sealed record BuiltInComponent(string Name, string TypeName, string Description);

/// <summary>
/// The built-in evaluators (<c>eval.evaluators</c>) by name. The generator emits their construction from this table;
/// the runtime's <c>BuiltInEvaluators.Create</c> constructs the same classes for programs without generated code
/// (a test keeps the two in step).
/// </summary>
public static class BuiltInComponents
{
    /// <summary>Mean validation loss.</summary>
    public const string ValidationLoss = "validation_loss";
    /// <summary>exp(validation loss).</summary>
    public const string Perplexity = "perplexity";
    /// <summary>Share of held-out answers equal to the reference turn.</summary>
    public const string ExactMatch = "exact_match";

    /// <summary>Every built-in evaluator.</summary>
    public static IReadOnlyList<BuiltInComponent> Evaluators { get; } = new[]
    {
        new BuiltInComponent(ValidationLoss, "DeclarativeSft.Runtime.Evaluation.ValidationLossEvaluator", "mean cross-entropy over the validation data's trained tokens"),
        new BuiltInComponent(Perplexity, "DeclarativeSft.Runtime.Evaluation.PerplexityEvaluator", "exp of the validation loss"),
        new BuiltInComponent(ExactMatch, "DeclarativeSft.Runtime.Evaluation.ExactMatchEvaluator", "share of greedy answers to the validation examples' prompts equal to their final assistant turn"),
    };

    /// <summary><c>eval.evaluators</c> when the recipe does not set it.</summary>
    public static EquatableArray<string> DefaultEvaluators { get; } = EquatableArray.Of(ValidationLoss);

    /// <summary>The metadata name of the interface an evaluator class implements.</summary>
    public const string EvaluatorInterface = "DeclarativeSft.Runtime.Components.IEvaluator";
    /// <summary>The metadata name of the interface a <c>data.transform</c> class implements.</summary>
    public const string TransformInterface = "DeclarativeSft.Runtime.Components.IExampleTransform";
    /// <summary>The metadata name of the interface a <c>data.transform</c> class implements under <c>data.format: custom</c>.</summary>
    public const string JsonLineTransformInterface = "DeclarativeSft.Runtime.Components.IJsonLineTransform";
    /// <summary>The metadata name of the interface a hook class implements.</summary>
    public const string HookInterface = "DeclarativeSft.Runtime.Components.ITrainingHook";
}
