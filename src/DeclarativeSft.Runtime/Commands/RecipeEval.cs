using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Hosting;
using DeclarativeSft.Runtime.Reporting;
using DeclarativeSft.Runtime.Session;

namespace DeclarativeSft.Runtime.Commands;

/// <summary><c>eval</c>: the recipe's evaluators on the latest checkpoint.</summary>
public static class RecipeEval
{
    /// <summary>Evaluates the newest checkpoint of the output folder; returns the exit code.</summary>
    public static int Run(RecipeSpec spec, RecipeRunOptions options, RecipeComponents components, TextWriter output, int? heldOutItems = null)
    {
        using var session = RecipeSession.Open(spec, options, components.Transform);
        var checkpoint = session.LoadLatestCheckpoint();
        output.WriteLine($"recipe {spec.Name}: evaluating {checkpoint} on {session.Device}");
        var loss = session.CreateTrainer(new TrainingProgressLines(TextWriter.Null)).Evaluate();
        var evaluation = session.CreateEvaluation(components.Evaluators, heldOutItems);
        var answers = evaluation.Answer(session.Model, Path.Combine(session.OutputDir, "heldout-eval.jsonl"));
        var report = evaluation.Score(loss, answers);
        ResultsTable.Write(output, spec, null, report);
        if (loss is null)
            output.WriteLine("  (the recipe has no validation data: add data.validation { split: 0.05 } or { path: … })");
        return 0;
    }
}
