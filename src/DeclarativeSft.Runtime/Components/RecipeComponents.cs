using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Evaluation;
using DeclarativeSft.Runtime.Hosting;

namespace DeclarativeSft.Runtime.Components;

/// <summary>The recipe's evaluators, hooks and data transform, constructed by the generated program (no reflection).</summary>
/// <param name="Transform"><c>data.transform</c>, or null.</param>
public sealed record RecipeComponents(IReadOnlyList<IEvaluator> Evaluators, IReadOnlyList<ITrainingHook> Hooks, IExampleTransform? Transform = null)
{
    /// <summary>The built-in evaluators <paramref name="spec"/> names, for programs that run a spec without
    /// generated code (tests, tools). A name that is not built in is refused: only the generated program can construct
    /// the recipe project's own classes.</summary>
    /// <exception cref="RecipeRunException">for a name that is not built in.</exception>
    public static RecipeComponents BuiltIn(RecipeSpec spec)
    {
        if (spec.Data.Transform is { } transform)
            throw new RecipeRunException($"data.transform names '{transform}', a class of the recipe project: run the recipe's generated program (dotnet run --project <recipe folder>), which constructs it.");
        var evaluators = spec.Eval.Evaluators.Select(name => BuiltInEvaluators.Create(name) ?? throw new RecipeRunException(
            $"eval.evaluators names '{name}', a class of the recipe project: run the recipe's generated program (dotnet run --project <recipe folder>), which constructs it.")).ToList();
        return new RecipeComponents(evaluators, []);
    }
}
