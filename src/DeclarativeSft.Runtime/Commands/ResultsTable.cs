using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Evaluation;

namespace DeclarativeSft.Runtime.Commands;

/// <summary>The before/after table a training run ends with.</summary>
public static class ResultsTable
{
    /// <summary>Writes validation loss and the held-out scores before and after training (absent values as "-").</summary>
    public static void Write(TextWriter output, RecipeSpec spec, double? lossBefore, double? lossAfter, HeldOutScore? before, HeldOutScore? after)
    {
        string source = spec.Data.Validation?.Path is { } p ? Path.GetFileName(p) : $"{spec.Data.Validation?.Split:P0} split of the training data";
        output.WriteLine($"held-out results ({source}):{"",-8}before      after");
        Row(output, "validation loss", lossBefore, lossAfter, "0.0000");
        if (before is not null || after is not null)
        {
            Row(output, $"exact match ({(after ?? before)!.Items} tasks)", before?.ExactMatch, after?.ExactMatch, "P1");
            if (before?.PassRate is not null || after?.PassRate is not null)
            {
                Row(output, "unit tests: tasks passed", before?.PassRate, after?.PassRate, "P1");
                Row(output, "unit tests: tests passed", before?.TestsPassed, after?.TestsPassed, "P1");
            }
            else if ((after ?? before)?.Note is { } note) output.WriteLine($"  {note}");
        }
    }

    private static void Row(TextWriter output, string label, double? before, double? after, string format)
    {
        string F(double? v) => v is { } x ? x.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "-";
        output.WriteLine($"  {label,-34}{F(before),10} {F(after),10}");
    }
}
