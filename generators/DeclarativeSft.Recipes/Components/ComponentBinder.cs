using System.Collections.Generic;
using System.Linq;
using DeclarativeSft.Data;

namespace DeclarativeSft.Recipes;

/// <summary>
/// Resolves the component names of a recipe (<c>eval.evaluators</c>, <c>hooks</c>, <c>data.transform</c>) against the built-ins and the
/// recipe project's classes, and reports at the YAML item what cannot be used: unknown (with a suggestion), of the
/// wrong kind, not accessible, not constructible, ambiguous, named twice.
/// </summary>
public static class ComponentBinder
{
    private sealed record Slot(string Key, string What, ComponentKinds Kind, string Interface, string OtherKindName,
        IReadOnlyList<BuiltInComponent> BuiltIns);

    private static readonly Slot Evaluators = new("eval.evaluators", "evaluator", ComponentKinds.Evaluator,
        BuiltInComponents.EvaluatorInterface, "ITrainingHook (hooks)", BuiltInComponents.Evaluators);
    private static readonly Slot Hooks = new("hooks", "hook", ComponentKinds.Hook,
        BuiltInComponents.HookInterface, "IEvaluator (eval.evaluators)", new BuiltInComponent[0]);
    private static readonly Slot Transforms = new("data.transform", "transform", ComponentKinds.Transform,
        BuiltInComponents.TransformInterface, "", new BuiltInComponent[0]);
    /// <summary><c>data.transform</c> under <c>data.format: custom</c>: it gets the raw JSON lines.</summary>
    private static readonly Slot JsonLineTransforms = new("data.transform", "JSON-line transform", ComponentKinds.JsonLineTransform,
        BuiltInComponents.JsonLineTransformInterface, "", new BuiltInComponent[0]);

    /// <summary>Each kind's interface and the key that names it, for "it is an X: name it under Y".</summary>
    private static readonly (ComponentKinds Kind, string Interface, string Key)[] KindNames =
    {
        (ComponentKinds.Evaluator, "IEvaluator", "eval.evaluators"), (ComponentKinds.Hook, "ITrainingHook", "hooks"),
        (ComponentKinds.Transform, "IExampleTransform", "data.transform with a built-in data.format"),
        (ComponentKinds.JsonLineTransform, "IJsonLineTransform", "data.transform with data.format: custom"),
    };

    /// <summary>Binds the names of <paramref name="spec"/> (positions from <paramref name="map"/>).</summary>
    public static ComponentBinding Bind(RecipeSpec spec, RecipeSourceMap map, ComponentCatalog catalog)
    {
        var diagnostics = new List<RecipeDiagnostic>();
        var evaluators = BindSlot(Evaluators, spec.Eval.Evaluators, map, catalog, diagnostics);
        var hooks = BindSlot(Hooks, spec.Hooks, map, catalog, diagnostics);
        BoundComponent? transform = null;
        if (spec.Data.Transform is { } name)
        {
            var slot = spec.Data.Format == DatasetFormat.Custom ? JsonLineTransforms : Transforms;
            void Report(RecipeDiagnosticDescriptor d, params object?[] args) => diagnostics.Add(d.At(map.RecipePath, map.ValueOf(slot.Key), args));
            transform = Resolve(slot, name, catalog, Report);
            if (transform is not null) diagnostics.Add(TransformNote(spec, map)!);
        }
        return new ComponentBinding(evaluators.ToEquatableArray(), hooks.ToEquatableArray(), diagnostics.ToEquatableArray(), transform);
    }

    /// <summary>What the build's data checks cannot see of a recipe with a <c>data.transform</c> (SFT0077, or SFT0078
    /// under <c>data.format: custom</c>), at its value; null without one. The build, sft validate and sft lint say it alike.</summary>
    public static RecipeDiagnostic? TransformNote(RecipeSpec spec, RecipeSourceMap map)
    {
        if (spec.Data.Transform is not { } name) return null;
        var note = spec.Data.Format == DatasetFormat.Custom ? RecipeDiagnostics.CustomLinesSeenAsJson : RecipeDiagnostics.TransformNotSeenByBuild;
        return note.At(map.RecipePath, map.ValueOf(Transforms.Key), name);
    }

    private static List<BoundComponent> BindSlot(Slot slot, EquatableArray<string> names, RecipeSourceMap map, ComponentCatalog catalog,
        List<RecipeDiagnostic> diagnostics)
    {
        var bound = new List<BoundComponent>();
        var firstLine = new Dictionary<string, int>();
        for (int i = 0; i < names.Count; i++)
        {
            string name = names[i];
            var at = map.ValueOf($"{slot.Key}[{i}]");
            void Report(RecipeDiagnosticDescriptor d, params object?[] args) => diagnostics.Add(d.At(map.RecipePath, at, args));

            var builtIn = slot.BuiltIns.FirstOrDefault(b => b.Name == name);
            var component = builtIn is not null ? new BoundComponent(builtIn.TypeName, false) : Resolve(slot, name, catalog, Report);
            if (component is null) continue;
            if (firstLine.TryGetValue(component.TypeName, out var line))
            {
                Report(RecipeDiagnostics.DuplicateComponent, slot.What, name, line);
                continue;
            }
            firstLine[component.TypeName] = at.Line;
            bound.Add(component);
        }
        return bound;
    }

    private static BoundComponent? Resolve(Slot slot, string name, ComponentCatalog catalog, System.Action<RecipeDiagnosticDescriptor, object?[]> report)
    {
        var matches = catalog.Classes.Where(c => c.FullName == name).ToList();
        if (matches.Count == 0) matches = catalog.Classes.Where(c => c.FullName.EndsWith("." + name, System.StringComparison.Ordinal) || c.Name == name).ToList();
        if (matches.Count == 0)
        {
            var known = slot.BuiltIns.Select(b => b.Name)
                .Concat(catalog.Classes.Where(c => (c.Kinds & slot.Kind) != 0).SelectMany(c => new[] { c.Name, c.FullName }));
            var closest = Suggestions.Closest(name, known);
            report(RecipeDiagnostics.UnknownComponent, new object?[] { slot.Key, name, slot.What,
                closest is null ? "" : $" Did you mean '{closest}'?",
                slot.BuiltIns.Count == 0 ? "none" : string.Join(", ", slot.BuiltIns.Select(b => b.Name)), slot.Interface });
            return null;
        }
        // A short name may also be the name of unrelated classes: those of the right kind win.
        if (matches.Count > 1 && matches.Count(m => (m.Kinds & slot.Kind) != 0) is var ofKind && ofKind >= 1)
            matches = matches.Where(m => (m.Kinds & slot.Kind) != 0).ToList();
        if (matches.Count > 1)
        {
            report(RecipeDiagnostics.AmbiguousComponent, new object?[] { slot.Key, name, string.Join(", ", matches.Select(m => m.FullName)) });
            return null;
        }
        var c = matches[0];
        if (!catalog.HasRuntime)
        {
            report(RecipeDiagnostics.ComponentsNeedRuntime, new object?[] { slot.Key, name });
            return null;
        }
        if ((c.Kinds & slot.Kind) == 0)
        {
            var kind = KindNames.FirstOrDefault(k => (c.Kinds & k.Kind) != 0);
            string other = kind.Interface is null ? "" : $" (it is an {kind.Interface}: name it under {kind.Key})";
            report(RecipeDiagnostics.WrongComponentKind, new object?[] { slot.Key, name, c.FullName, slot.Interface, other });
            return null;
        }
        if (c.Inaccessible is not null)
        {
            report(RecipeDiagnostics.ComponentNotAccessible, new object?[] { slot.Key, name, c.FullName, c.Inaccessible,
                c.Inaccessible.StartsWith("nested", System.StringComparison.Ordinal) ? ", and its containing classes" : "" });
            return null;
        }
        if (c.NotConstructible is not null)
        {
            report(RecipeDiagnostics.ComponentNotConstructible, new object?[] { slot.Key, name, c.FullName, c.NotConstructible });
            return null;
        }
        return new BoundComponent(c.FullName, c.TakesRecipe);
    }
}
