using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Evaluation;
using DeclarativeSft.Runtime.Hosting;

namespace DeclarativeSft.Runtime.Components;

/// <summary>The recipe's evaluators, hooks and data transform, constructed by the generated program (no reflection).</summary>
/// <param name="Transform"><c>data.transform</c> (<see cref="DataTransform.OfConversations"/> or, for <c>data.format: custom</c>,
/// <see cref="DataTransform.OfJsonLines"/>), or null.</param>
public sealed record RecipeComponents(IReadOnlyList<IEvaluator> Evaluators, IReadOnlyList<ITrainingHook> Hooks, DataTransform? Transform = null)
{
    /// <summary>The built-in evaluators <paramref name="spec"/> names, for programs that run a spec without
    /// generated code (tests, tools). A name that is not built in is refused: only the generated program can construct
    /// the recipe project's own classes.</summary>
    /// <exception cref="RecipeRunException">for a name that is not built in.</exception>
    public static RecipeComponents BuiltIn(RecipeSpec spec)
    {
        if (spec.Data.Transform is not null) throw TransformNeedsProgram(spec, command: null);
        var evaluators = spec.Eval.Evaluators.Select(name => BuiltInEvaluators.Create(name) ?? throw new RecipeRunException(
            $"eval.evaluators names '{name}', a class of the recipe project: run the recipe's generated program (dotnet run --project <recipe folder>), which constructs it.")).ToList();
        return new RecipeComponents(evaluators, []);
    }

    /// <summary>The error of a tool asked to read the data of a recipe that names a <c>data.transform</c> it cannot
    /// construct (only the generated program can: the class is the recipe project's own code). Reading the files
    /// untransformed instead would show, answer or prove on data the recipe never trains on.</summary>
    /// <param name="command">The recipe program's command that does what was asked (inspect, export…); null: train.</param>
    public static RecipeRunException TransformNeedsProgram(RecipeSpec spec, string? command) => new(
        $"{spec.RecipePath}: data.transform names '{spec.Data.Transform}', a class of the recipe project, and only the recipe's generated " +
        "program can construct it to read the data as training does. Run " +
        $"`dotnet run --project {spec.RecipeDirectory}{(command is null ? "" : " -- " + command)}` instead.");
}
