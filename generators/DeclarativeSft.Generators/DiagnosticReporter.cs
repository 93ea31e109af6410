using System.Collections.Generic;
using System.Linq;
using DeclarativeSft.Recipes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace DeclarativeSft.Generators;

/// <summary>Turns value diagnostics into Roslyn diagnostics; the only place a <see cref="Location"/> is made.</summary>
internal static class DiagnosticReporter
{
    private static readonly Dictionary<string, DiagnosticDescriptor> Descriptors =
        RecipeDiagnostics.All.ToDictionary(d => d.Id, ToRoslyn);

    /// <summary>The Roslyn descriptor of every recipe diagnostic (same IDs, titles, severities, one category).</summary>
    public static IReadOnlyCollection<DiagnosticDescriptor> All => Descriptors.Values;

    public static void Report(SourceProductionContext context, IEnumerable<RecipeDiagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
            context.ReportDiagnostic(ToDiagnostic(d));
    }

    public static Diagnostic ToDiagnostic(RecipeDiagnostic d)
    {
        var descriptor = Descriptors.TryGetValue(d.Id, out var found) ? found : Descriptors["SFT0035"];
        var start = new LinePosition(d.Line - 1, d.Column - 1);
        var end = new LinePosition(d.Line - 1, d.Column - 1 + d.Length);
        var location = Location.Create(d.FilePath, new TextSpan(0, 0), new LinePositionSpan(start, end));
        // The value's own severity: the dataset checks' severity is the recipe's (data.quality), not the ID's default.
        return Diagnostic.Create(descriptor, location, ToRoslyn(d.Severity), additionalLocations: null, properties: null, d.Message);
    }

    private static DiagnosticDescriptor ToRoslyn(RecipeDiagnosticDescriptor d) => new(
        d.Id,
        d.Title,
        "{0}",
        RecipeDiagnostics.Category,
        ToRoslyn(d.Severity),
        isEnabledByDefault: true,
        helpLinkUri: d.HelpLink);

    private static DiagnosticSeverity ToRoslyn(RecipeSeverity severity) => severity switch
    {
        RecipeSeverity.Error => DiagnosticSeverity.Error,
        RecipeSeverity.Warning => DiagnosticSeverity.Warning,
        _ => DiagnosticSeverity.Info,
    };
}
