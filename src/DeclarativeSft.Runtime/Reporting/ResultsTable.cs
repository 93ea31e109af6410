using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Evaluation;

namespace DeclarativeSft.Runtime.Reporting;

/// <summary>The before/after table a training run ends with: one row per metric of the recipe's evaluators.</summary>
public static class ResultsTable
{
    /// <summary>Writes each metric before and after training (absent values as "-"), then the evaluators' notes.</summary>
    public static void Write(TextWriter output, RecipeSpec spec, EvaluationReport? before, EvaluationReport? after)
    {
        string source = spec.Data.Validation?.Path is { } p ? Path.GetFileName(p) : $"{spec.Data.Validation?.Split:P0} split of the training data";
        output.WriteLine($"held-out results ({source}):{"",-8}before      after");
        var rows = (after ?? before)?.Metrics ?? [];
        for (int i = 0; i < rows.Count; i++)
        {
            // Evaluators return the same rows in the same order each time; labels may carry counts, so pair by position.
            var b = before is not null && i < before.Metrics.Count ? before.Metrics[i] : null;
            var a = after is not null && i < after.Metrics.Count ? after.Metrics[i] : null;
            Row(output, rows[i].Label, b?.Value, a?.Value, rows[i].Format);
        }
        foreach (var note in rows.Select(r => r.Note).Where(n => n is not null).Distinct()) output.WriteLine($"  {note}");
    }

    private static void Row(TextWriter output, string label, double? before, double? after, string format)
    {
        string F(double? v) => v is { } x ? x.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "-";
        output.WriteLine($"  {label,-34}{F(before),10} {F(after),10}");
    }
}
