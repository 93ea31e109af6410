using System;

namespace DeclarativeSft.Recipes;

/// <summary>Severity of a recipe diagnostic (maps onto Roslyn's and MSBuild's error/warning/info).</summary>
public enum RecipeSeverity { Info, Warning, Error }

/// <summary>A 1-based line and column in a text file (recipe YAML or a data/config file).</summary>
public readonly record struct SourcePosition(int Line, int Column)
{
    /// <summary>Start of the file.</summary>
    public static SourcePosition Start => new(1, 1);
}

/// <summary>
/// One finding about a recipe: what is wrong, where (file, 1-based line and column), and how to fix it.
/// </summary>
/// <param name="Id">Stable ID, <c>SFT0001</c>…</param>
/// <param name="Length">Characters of the offending text on that line (0 = a point); lets IDEs underline it.</param>
public sealed record RecipeDiagnostic(string Id, RecipeSeverity Severity, string Message, string FilePath, int Line, int Column, int Length = 0)
{
    /// <summary>MSBuild/compiler format: <c>path(line,col): error SFT0003: message</c>.</summary>
    public override string ToString() =>
        $"{FilePath}({Line},{Column}): {SeverityText(Severity)} {Id}: {Message}";

    private static string SeverityText(RecipeSeverity severity) => severity switch
    {
        RecipeSeverity.Error => "error",
        RecipeSeverity.Warning => "warning",
        _ => "info",
    };
}
