using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using DeclarativeSft.Recipes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DeclarativeSft.Generators;

/// <summary>
/// The C# side of components: each class declaration of the recipe project → a <see cref="ComponentCandidate"/>
/// (values read off its symbol: kinds, accessibility, constructors), gathered into the <see cref="ComponentCatalog"/>
/// the recipe's names are bound against.
/// </summary>
internal static class ComponentCandidates
{
    private const string RecipeSpecName = "DeclarativeSft.Recipes.RecipeSpec";

    /// <summary>Cheap syntax filter: class declarations (records included), the only things a recipe can name.</summary>
    public static bool IsClass(SyntaxNode node) =>
        node is ClassDeclarationSyntax || (node is RecordDeclarationSyntax r && !r.ClassOrStructKeyword.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.StructKeyword));

    /// <summary>The candidate declared by <paramref name="context"/>'s node, or null when it has no symbol.</summary>
    public static ComponentCandidate? From(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.SemanticModel.GetDeclaredSymbol(context.Node, cancellationToken) is not INamedTypeSymbol type) return null;
        var kinds = ComponentKinds.None;
        foreach (var i in type.AllInterfaces)
        {
            var name = i.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
            if (name == BuiltInComponents.EvaluatorInterface) kinds |= ComponentKinds.Evaluator;
            else if (name == BuiltInComponents.HookInterface) kinds |= ComponentKinds.Hook;
            else if (name == BuiltInComponents.TransformInterface) kinds |= ComponentKinds.Transform;
            else if (name == BuiltInComponents.JsonLineTransformInterface) kinds |= ComponentKinds.JsonLineTransform;
        }
        var (notConstructible, takesRecipe) = Construction(type);
        return new ComponentCandidate(FullName(type), type.Name, kinds, Inaccessible(type), notConstructible, takesRecipe);
    }

    /// <summary>The catalog of every class seen (a partial class is declared more than once: kept once).</summary>
    public static ComponentCatalog Catalog(ImmutableArray<ComponentCandidate> classes, bool hasRuntime) =>
        new(hasRuntime, classes.GroupBy(c => c.FullName).Select(g => g.First()).OrderBy(c => c.FullName, System.StringComparer.Ordinal).ToEquatableArray());

    private static string FullName(INamedTypeSymbol type)
    {
        var name = type.Name;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType) name = outer.Name + "." + name;
        var ns = type.ContainingNamespace;
        return ns is null || ns.IsGlobalNamespace ? name : ns.ToDisplayString() + "." + name;
    }

    private static bool Visible(Accessibility a) => a is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal;

    private static string? Inaccessible(INamedTypeSymbol type)
    {
        if (!Visible(type.DeclaredAccessibility)) return Describe(type.DeclaredAccessibility);
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            if (!Visible(outer.DeclaredAccessibility)) return $"nested in the {Describe(outer.DeclaredAccessibility)} class {outer.Name}";
        return null;
    }

    private static string Describe(Accessibility a) => a switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => a.ToString().ToLowerInvariant(),
    };

    private static (string? NotConstructible, bool TakesRecipe) Construction(INamedTypeSymbol type)
    {
        if (type.IsStatic) return ("it is static", false);
        if (type.IsAbstract) return ("it is abstract", false);
        for (var t = type; t is not null; t = t.ContainingType)
            if (t.TypeParameters.Length > 0) return ($"{(t.Equals(type, SymbolEqualityComparer.Default) ? "it" : t.Name)} is generic", false);
        var usable = type.InstanceConstructors.Where(c => Visible(c.DeclaredAccessibility)).ToList();
        bool takesRecipe = usable.Any(c => c.Parameters.Length == 1
            && c.Parameters[0].Type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) == RecipeSpecName);
        if (takesRecipe || usable.Any(c => c.Parameters.Length == 0)) return (null, takesRecipe);
        var shapes = type.InstanceConstructors.Select(c =>
            $"{(Visible(c.DeclaredAccessibility) ? "" : Describe(c.DeclaredAccessibility) + " ")}({string.Join(", ", c.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + " " + p.Name))})");
        return ($"its constructors are {string.Join(", ", shapes)}", false);
    }
}
