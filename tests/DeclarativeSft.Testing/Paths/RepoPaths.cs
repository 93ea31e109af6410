namespace DeclarativeSft.Testing;

/// <summary>Where the checkout and its well-known folders are, found by walking up from the test assembly's folder.</summary>
public static class RepoPaths
{
    /// <summary>The checkout root: the nearest folder above the test binaries that holds DeclarativeSft.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>recipes/: the shipped recipe projects, their data and the tiny models they train.</summary>
    public static string Recipes => Path.Combine(Root, "recipes");

    /// <summary>tests/: one folder per test project, plus the oracles.</summary>
    public static string Tests => Path.Combine(Root, "tests");

    /// <summary>tests/oracles: the npm project whose node_modules hold Hugging Face's JavaScript implementations, the
    /// node scripts that drive them, and python/ with the plain-PyTorch reference scripts.</summary>
    public static string Oracles => Path.Combine(Tests, "oracles");

    /// <summary>tests/oracles/python: the reference scripts run by <see cref="PythonOracle"/>.</summary>
    public static string PythonOracles => Path.Combine(Oracles, "python");

    /// <summary>A shipped recipe's folder, recipes/<paramref name="name"/>.</summary>
    public static string Recipe(string name) => Path.Combine(Recipes, name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeclarativeSft.sln"))) return dir.FullName;
        throw new InvalidOperationException(
            $"Cannot find the repository root (a folder holding DeclarativeSft.sln) above {AppContext.BaseDirectory}: run the tests from a checkout.");
    }
}
