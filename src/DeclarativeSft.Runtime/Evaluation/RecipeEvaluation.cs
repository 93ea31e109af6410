using System.Diagnostics;
using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Model;

namespace DeclarativeSft.Runtime.Evaluation;

/// <summary>The metrics of one evaluation.</summary>
/// <param name="AnsweredItems">Held-out prompts the model answered (0 when no evaluator needed answers).</param>
/// <param name="Seconds">Time the evaluators took (answering not included).</param>
public sealed record EvaluationReport(IReadOnlyList<EvaluationMetric> Metrics, int AnsweredItems, double Seconds);

/// <summary>
/// Runs the recipe's evaluators on a model: the held-out answers are generated once (when some evaluator needs them),
/// and every evaluator gets the same input. Answering and scoring are separate steps because a training run answers
/// before it trains but learns the untrained model's validation loss only from the trainer's first evaluation.
/// </summary>
public sealed class RecipeEvaluation
{
    private readonly RecipeSpec _spec;
    private readonly IReadOnlyList<IEvaluator> _evaluators;
    private readonly bool _answers;
    private readonly IReadOnlyList<HeldOutPrompt> _prompts;
    private readonly Func<IReadOnlyList<ChatMessage>, int[]> _encode;
    private readonly Func<IReadOnlyList<int>, string> _decode;
    private readonly IReadOnlySet<int> _stopIds;

    /// <param name="spec">The recipe.</param>
    /// <param name="evaluators">Its evaluators, in the recipe's order.</param>
    /// <param name="encode">Prompt messages → ids ending with the assistant turn's opening.</param>
    /// <param name="decode">Generated ids → text.</param>
    /// <param name="stopIds">Ids that end an answer.</param>
    /// <param name="heldOutLimit">Answer only the first N prompts (quick runs); null = all.</param>
    /// <param name="data">The recipe's data options (<c>RecipeTextPipeline.DataOptions</c>): its validation data is
    /// answered as validation reads it (split or file, through its <c>data.transform</c>).</param>
    public RecipeEvaluation(RecipeSpec spec, IReadOnlyList<IEvaluator> evaluators, Func<IReadOnlyList<ChatMessage>, int[]> encode,
        Func<IReadOnlyList<int>, string> decode, IReadOnlySet<int> stopIds, int? heldOutLimit, DataPipelineOptions data)
    {
        (_spec, _evaluators, _encode, _decode, _stopIds) = (spec, evaluators, encode, decode, stopIds);
        _answers = evaluators.Any(e => e.NeedsAnswers) && (data.ValidationFile is not null || data.ValidationSplit is > 0);
        _prompts = _answers ? HeldOutAnswering.Read(data, heldOutLimit) : [];
    }

    /// <summary>Prompts each evaluation answers (0 when no evaluator needs answers or there is no validation data).</summary>
    public int HeldOutCount => _prompts.Count;

    /// <summary>The model's answers to the held-out prompts when some evaluator needs them, else null; written as JSON
    /// lines to <paramref name="writeTo"/> when given.</summary>
    public HeldOutAnswers? Answer(LlamaForCausalLM model, string? writeTo) => !_answers ? null
        : HeldOutAnswering.Answer(model, _prompts, _encode, _decode, _stopIds, _spec.Eval.MaxNewTokens, writeTo);

    /// <summary>Every evaluator's metrics for a model whose validation loss is <paramref name="validationLoss"/> and
    /// whose answers are <paramref name="answers"/>.</summary>
    public EvaluationReport Score(double? validationLoss, HeldOutAnswers? answers)
    {
        var clock = Stopwatch.StartNew();
        var input = new EvaluationInput(_spec, validationLoss, answers);
        var metrics = _evaluators.SelectMany(e => e.Score(input)).ToList();
        return new EvaluationReport(metrics, answers?.Items.Count ?? 0, clock.Elapsed.TotalSeconds);
    }
}
