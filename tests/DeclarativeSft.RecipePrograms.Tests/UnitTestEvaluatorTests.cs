using CodeAssistant;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Evaluation;
using DeclarativeSft.Runtime.Session;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>
/// The code-assistant's own evaluator scores answers with its checker script: the oracle is the held-out file's own
/// reference solutions (each passes its tests) against answers that cannot.
/// </summary>
public class UnitTestEvaluatorTests
{
    private const int Tasks = 6;

    [Fact]
    public void Reference_answers_pass_and_wrong_ones_fail_whatever_file_the_tasks_came_from()
    {
        var spec = ShippedRecipes.Load(ShippedRecipes.RecipePath("code-assistant"));
        var prompts = HeldOutAnswering.Read(RecipeTextPipeline.DataOptions(spec, spec.Training.Seed, transform: null), Tasks);
        Assert.Equal(Tasks, prompts.Count);
        // Every other task answered with its reference solution, the rest with a function that returns nothing.
        var answers = prompts.Select((p, i) => new HeldOutAnswer(p.Id, p.File, p.Line, p.Prompt, p.Reference,
            i % 2 == 0 ? (string)p.Item["reference"]! : $"def {(string)p.Item["entry_point"]!}(*args):\n    return None", p.Item)).ToList();

        var fromFile = Score(spec, answers);
        Assert.Equal(0.5, fromFile["exact match (6 tasks)"]);
        Assert.Equal(0.5, fromFile["unit tests: tasks passed"]);

        // Tasks of a validation split: ids the file does not have, from another file; the evaluator checks what it got.
        var fromSplit = Score(spec, answers.Select(a => a with { Id = $"train.jsonl:line-{a.Line}", File = "train.jsonl" }).ToList());
        Assert.Equal(fromFile, fromSplit);
    }

    private static Dictionary<string, double?> Score(RecipeSpec spec, List<HeldOutAnswer> answers)
    {
        var metrics = new UnitTestEvaluator().Score(new EvaluationInput(spec, null, new HeldOutAnswers(answers)));
        Assert.All(metrics, m => Assert.True(m.Value is not null, $"{m.Label}: {m.Note}"));
        return metrics.ToDictionary(m => m.Label, m => m.Value);
    }
}
