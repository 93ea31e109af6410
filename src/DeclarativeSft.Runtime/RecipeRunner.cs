using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Hosting;

namespace DeclarativeSft.Runtime;

/// <summary>
/// What a generated recipe program runs: <see cref="RecipeHost"/> parses the command line, this dispatches the command.
/// The commands themselves (train, inspect, eval, generate, export) live in <c>Commands/RecipeCommands.cs</c>, built
/// from a <see cref="RecipeSpec"/> by <c>Commands/RecipeSession.cs</c>.
/// </summary>
public static class RecipeRunner
{
    /// <summary>Runs <paramref name="options"/>.Command for <paramref name="spec"/>; returns the exit code.</summary>
    public static int Run(RecipeSpec spec, RecipeRunOptions options) => Commands.RecipeCommands.Run(spec, options);
}
