using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Hosting;

namespace DeclarativeSft.Runtime.Commands;

/// <summary><c>eval</c>: validation loss and held-out task scores of the latest checkpoint.</summary>
public static class RecipeEval
{
    /// <summary>Evaluates the newest checkpoint of the output folder; returns the exit code.</summary>
    public static int Run(RecipeSpec spec, RecipeRunOptions options, TextWriter output, int? heldOutItems = null)
    {
        using var session = RecipeSession.Open(spec, options);
        var checkpoint = session.LoadLatestCheckpoint();
        output.WriteLine($"recipe {spec.Name}: evaluating {checkpoint} on {session.Device}");
        var loss = session.CreateTrainer(new TrainingProgressLines(TextWriter.Null)).Evaluate();
        var heldOut = session.CreateHeldOutEvaluator(heldOutItems);
        var score = heldOut?.Score(session.Model, Path.Combine(session.OutputDir, "heldout-eval.jsonl"));
        ResultsTable.Write(output, spec, null, loss, null, score);
        if (loss is null && score is null)
            output.WriteLine("  (the recipe has no validation data: add data.validation { split: 0.05 } or { path: … })");
        return 0;
    }
}
