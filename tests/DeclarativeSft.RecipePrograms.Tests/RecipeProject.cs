using System.Diagnostics;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>
/// A recipe project of a user's, written into a temp folder: its csproj (IsRecipeProject, importing the repository's
/// Directory.Build.props/.targets as a user's repository imports the package), its C# and recipe, built with a plain
/// <c>dotnet build</c> and run as <c>dotnet run</c> runs the program: from the recipe folder.
/// </summary>
internal sealed class RecipeProject : IDisposable
{
    private readonly TempFolder _temp = new("sft-recipe-project-");

    /// <param name="name">The project's name (its folder and assembly).</param>
    /// <param name="recipe">recipe.sft.yaml.</param>
    /// <param name="files">Further files by path relative to the project folder: C# sources, data.</param>
    public RecipeProject(string name, string recipe, IReadOnlyDictionary<string, string> files)
    {
        Name = name;
        Folder = _temp[name];
        _temp.Write("Directory.Build.props", $"<Project><Import Project=\"{RepoPaths.Root}/Directory.Build.props\" /></Project>");
        _temp.Write("Directory.Build.targets", $"<Project><Import Project=\"{RepoPaths.Root}/Directory.Build.targets\" /></Project>");
        _temp.Write($"{name}/{name}.csproj",
            "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework><OutputType>Exe</OutputType>" +
            "<IsRecipeProject>true</IsRecipeProject></PropertyGroup></Project>");
        _temp.Write($"{name}/recipe.sft.yaml", recipe);
        foreach (var (path, content) in files) _temp.Write($"{name}/{path}", content);
    }

    public string Name { get; }

    /// <summary>The project (and recipe) folder.</summary>
    public string Folder { get; }

    /// <summary>A path inside the project folder.</summary>
    public string this[string relativePath] => Path.Combine(Folder, relativePath);

    /// <summary>A folder beside the project for the run's output.</summary>
    public string Scratch(string name) => _temp[name];

    // The configuration this test assembly was built in (tests/…/bin/<Configuration>/net10.0/), so the recipe's build
    // reuses the runtime already built.
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    /// <summary><c>dotnet build</c> of the project, as its user runs it.</summary>
    public ProcessResult Build()
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Folder };
        foreach (var a in new[] { "build", Folder, "-c", Configuration, "-nodeReuse:false", "-p:UseSharedCompilation=false", "-clp:NoSummary" })
            start.ArgumentList.Add(a);
        // The outer `dotnet test` may pass MSBuild settings to its children; this build must be a user's plain one.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return ChildProcess.Run(start, TimeSpan.FromMinutes(8));
    }

    /// <summary>The built program with <paramref name="args"/>, started in the recipe folder as <c>dotnet run</c> starts it.</summary>
    public ProcessResult Run(params string[] args)
    {
        string dll = Path.Combine(Folder, "bin", Configuration, "net10.0", Name + ".dll");
        Assert.True(File.Exists(dll), $"{dll} not built");
        return ChildProcess.Run("dotnet", args.Prepend(dll), TimeSpan.FromMinutes(5), Folder,
            new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });
    }

    /// <summary>The file:line of each example an <c>inspect</c> printed, in order.</summary>
    public static List<(string File, int Line)> InspectedExamples(string inspectOutput) =>
        System.Text.RegularExpressions.Regex.Matches(inspectOutput, @"── example \d+ · (?<file>.+):(?<line>\d+)\r?$", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => (m.Groups["file"].Value, int.Parse(m.Groups["line"].Value))).ToList();

    /// <summary>The text an <c>inspect</c> marked trained (<c>[[…]]</c>), run after run.</summary>
    public static string TrainedText(string inspectOutput) =>
        string.Concat(inspectOutput.Split("[[").Skip(1).Select(s => s.Split("]]")[0]));

    public void Dispose() => _temp.Dispose();
}
