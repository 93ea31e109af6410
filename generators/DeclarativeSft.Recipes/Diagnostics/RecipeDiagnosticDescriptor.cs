using System.Globalization;

namespace DeclarativeSft.Recipes;

/// <summary>A kind of recipe diagnostic: stable ID, default severity, title and message format.</summary>
/// <param name="MessageFormat">A <see cref="string.Format(string, object[])"/> format naming what is wrong and the fix.</param>
public sealed record RecipeDiagnosticDescriptor(string Id, RecipeSeverity Severity, string Title, string MessageFormat)
{
    /// <summary>Where the documentation of this ID lives.</summary>
    public string HelpLink => "docs/diagnostics.md#" + Id.ToLowerInvariant();

    /// <summary>Creates a diagnostic at <paramref name="position"/> of <paramref name="filePath"/>.</summary>
    public RecipeDiagnostic At(string filePath, SourcePosition position, params object?[] args) =>
        new(Id, Severity, string.Format(CultureInfo.InvariantCulture, MessageFormat, args), filePath, position.Line, position.Column);
}
