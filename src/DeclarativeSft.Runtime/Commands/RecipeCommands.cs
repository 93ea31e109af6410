using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Hosting;

namespace DeclarativeSft.Runtime.Commands;

/// <summary>The commands of a generated recipe program (placeholder: being written by the integration work).</summary>
public static class RecipeCommands
{
    /// <summary>Runs <paramref name="options"/>.Command for <paramref name="spec"/>; returns the exit code.</summary>
    public static int Run(RecipeSpec spec, RecipeRunOptions options)
    {
        Console.WriteLine($"recipe {spec.Name}: {options.Command} (not implemented yet)");
        return 2;
    }
}
