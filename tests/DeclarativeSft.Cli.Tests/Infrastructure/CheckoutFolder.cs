namespace DeclarativeSft.Cli.Tests.Infrastructure;

/// <summary>What <c>sft new</c> needs of the folder it scaffolds in.</summary>
public static class CheckoutFolder
{
    /// <summary>Makes <paramref name="temp"/> look like a DeclarativeSft checkout (DeclarativeSft.sln beside recipes/), where
    /// <c>sft new --dir</c> may scaffold; returns the recipes/ folder.</summary>
    public static string MakeCheckout(this TempFolder temp)
    {
        temp.Write("DeclarativeSft.sln", "");
        string recipes = Path.Combine(temp.Path, "recipes");
        Directory.CreateDirectory(recipes);
        return recipes;
    }
}
