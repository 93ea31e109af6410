using System;

namespace DeclarativeSft.Recipes;

/// <summary>The component interfaces a class implements.</summary>
[Flags]
public enum ComponentKinds
{
    /// <summary>Neither.</summary>
    None = 0,
    /// <summary><c>DeclarativeSft.Runtime.Components.IEvaluator</c> (<c>eval.evaluators</c>).</summary>
    Evaluator = 1,
    /// <summary><c>DeclarativeSft.Runtime.Components.ITrainingHook</c> (<c>hooks</c>).</summary>
    Hook = 2,
    /// <summary><c>DeclarativeSft.Runtime.Components.IExampleTransform</c> (<c>data.transform</c>).</summary>
    Transform = 4,
    /// <summary><c>DeclarativeSft.Runtime.Components.IJsonLineTransform</c> (<c>data.transform</c> with <c>data.format: custom</c>).</summary>
    JsonLineTransform = 8,
}

/// <summary>A class of the recipe project, as far as naming it in a recipe goes. Values only (the generator reads them
/// off the compilation's symbols), so the catalog caches and compares like every other pipeline model.</summary>
/// <param name="FullName">Namespace-qualified name, nested types joined with '.', e.g. <c>CodeAssistant.UnitTestEvaluator</c>.</param>
/// <param name="Name">The class's own name.</param>
/// <param name="Kinds">Component interfaces it implements.</param>
/// <param name="Inaccessible">Why the generated program cannot see it (e.g. <c>private</c>), or null.</param>
/// <param name="NotConstructible">Why the generated program cannot construct it (abstract, generic, no usable
/// constructor), or null.</param>
/// <param name="TakesRecipe">True when its constructor takes the <see cref="RecipeSpec"/>; false for a parameterless one.</param>
public sealed record ComponentCandidate(string FullName, string Name, ComponentKinds Kinds, string? Inaccessible, string? NotConstructible, bool TakesRecipe);

/// <summary>What a recipe's component names are resolved against.</summary>
/// <param name="HasRuntime">Whether the project references the training runtime (which defines the component interfaces).</param>
/// <param name="Classes">Every class of the project.</param>
public sealed record ComponentCatalog(bool HasRuntime, EquatableArray<ComponentCandidate> Classes)
{
    /// <summary>A project without classes.</summary>
    public static ComponentCatalog Empty(bool hasRuntime) => new(hasRuntime, EquatableArray<ComponentCandidate>.Empty);
}

/// <summary>A component the generated program constructs.</summary>
/// <param name="TypeName">Full name of its class.</param>
/// <param name="TakesRecipe">Construct it with the recipe's spec.</param>
public sealed record BoundComponent(string TypeName, bool TakesRecipe);

/// <summary>The recipe's components resolved: what to construct, in order, and what is wrong with the names.</summary>
/// <param name="Transform"><c>data.transform</c>, or null.</param>
public sealed record ComponentBinding(EquatableArray<BoundComponent> Evaluators, EquatableArray<BoundComponent> Hooks, EquatableArray<RecipeDiagnostic> Diagnostics,
    BoundComponent? Transform = null)
{
    /// <summary>No components, no diagnostics.</summary>
    public static ComponentBinding Empty { get; } =
        new(EquatableArray<BoundComponent>.Empty, EquatableArray<BoundComponent>.Empty, EquatableArray<RecipeDiagnostic>.Empty);
}
