using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Hosting;
using DeclarativeSft.Runtime.Session;

namespace DeclarativeSft.Runtime.Commands;

/// <summary><c>inspect [--count N]</c>: the label view of the recipe's training data (trained tokens highlighted).</summary>
public static class RecipeInspect
{
    /// <summary>Writes the label view of the first <c>--count</c> (default 3) examples to the console, as
    /// <c>data.transform</c> (<paramref name="components"/>) leaves them.</summary>
    public static int Run(RecipeSpec spec, RecipeRunOptions options, RecipeComponents components)
    {
        var inspection = RecipeTextPipeline.Inspect(spec, Math.Max(0, options.Count ?? 3), components.Transform);
        LabelViewWriter.WriteToConsole(inspection);
        return 0;
    }
}
