using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeclarativeSft.Packaging.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DeclarativeSft.Packaging.Tests;

/// <summary>
/// DeclarativeSft as a user outside this repository gets it: `dotnet pack` to a folder feed, then in a folder outside
/// the checkout whose nuget.config names only that feed and nuget.org, the commands of README's "Use it in your own
/// repository" — the template, a build with no diagnostics, a misspelt key as SFT0002 at its line and column, training
/// with `dotnet run` from another folder, README's component classes compiled and run in a project of the user's own,
/// the `sft` tool printing the build's diagnostics, and the built program moved elsewhere and started from the recipe
/// folder. Real packs, restores and builds: minutes, one test.
/// </summary>
public sealed partial class PackagesFromALocalFeedTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Minutes10 = TimeSpan.FromMinutes(10);

    [GeneratedRegex(@": (error|warning) [A-Z]+[0-9]+")]
    private static partial Regex DiagnosticLine();

    [GeneratedRegex(@"^\s*(?<n>\d+) (?<kind>Warning|Error)\(s\)\s*$", RegexOptions.Multiline)]
    private static partial Regex BuildSummary();

    [Fact]
    public void Template_build_diagnostics_training_tool_and_a_moved_program_work_from_the_packages()
    {
        var total = Stopwatch.StartNew();
        // A version of its own per run: NuGet's global packages folder keeps a package by id and version, so packing a
        // fixed version again would restore the stale copy cached by an earlier run. The shared folder stays shared
        // (an isolated one would extract TorchSharp and libtorch, ~600 MB, again on every run); this run's own
        // DeclarativeSft.* folders are removed from it at the end.
        string version = $"0.1.0-packtest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Guid.NewGuid().ToString("N")[..8]}";
        using var temp = new TempFolder("sft-packaging-");
        string source = temp["source"];
        string feed = temp["feed"];
        string work = temp["work"];
        string demo = Path.Combine(work, "demo");
        try
        {
            // ---- dotnet pack DeclarativeSft.sln -c Release -o <feed>, from a copy of the checkout ----
            Checkout.CopySourcesTo(source);
            var packClock = Stopwatch.StartNew();
            var pack = Dotnet.Run(source, TimeSpan.FromMinutes(20), "pack", "DeclarativeSft.sln", "-c", "Release", "-o", feed, $"-p:Version={version}");
            packClock.Stop();
            Assert.True(pack.ExitCode == 0, pack.ToString());
            log.WriteLine($"pack: {packClock.Elapsed.TotalSeconds:F0} s (load average {LoadAverage()})");
            foreach (var id in new[] { "DeclarativeSft.Sdk", "DeclarativeSft.Templates", "DeclarativeSft.Cli", "DeclarativeSft.Runtime", "DeclarativeSft.Torch",
                                       "DeclarativeSft.Recipes", "DeclarativeSft.Data", "DeclarativeSft.Tokenizers", "DeclarativeSft.Jinja" })
                Assert.True(File.Exists(Path.Combine(feed, $"{id}.{version}.nupkg")), $"dotnet pack made no {id}.{version}.nupkg:\n{string.Join("\n", Directory.GetFiles(feed))}");

            // ---- a folder outside the checkout whose restores see only the feed and nuget.org ----
            Directory.CreateDirectory(work);
            File.WriteAllText(Path.Combine(work, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="declarativesft" value="{feed}" />
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
                  </packageSources>
                </configuration>
                """);
            Assert.False(work.StartsWith(RepoPaths.Root, StringComparison.Ordinal), $"{work} is inside the checkout");

            // ---- dotnet new install <feed>/DeclarativeSft.Templates.<version>.nupkg; dotnet new sft-recipe -n demo ----
            // A hive of its own: the user's template list is untouched.
            string hive = temp["template-hive"];
            var install = Dotnet.Run(work, Minutes10, "new", "install", Path.Combine(feed, $"DeclarativeSft.Templates.{version}.nupkg"), "--debug:custom-hive", hive);
            Assert.True(install.ExitCode == 0, install.ToString());
            var created = Dotnet.Run(work, Minutes10, "new", "sft-recipe", "-n", "demo", "--debug:custom-hive", hive);
            Assert.True(created.ExitCode == 0, created.ToString());
            Assert.Equal(
                [".gitignore", "data/train.jsonl", "demo.csproj", "recipe.schema.json", "recipe.sft.yaml"],
                Directory.GetFiles(demo, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(demo, f).Replace('\\', '/')).Order(StringComparer.Ordinal));
            Assert.Equal($"<Project Sdk=\"DeclarativeSft.Sdk/{version}\" />", File.ReadAllText(Path.Combine(demo, "demo.csproj")).Trim());
            string recipePath = Path.Combine(demo, "recipe.sft.yaml");
            string recipe = File.ReadAllText(recipePath);
            Assert.StartsWith("# yaml-language-server: $schema=recipe.schema.json\n", recipe.Replace("\r\n", "\n"));
            using (var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(demo, "recipe.schema.json"))))
                Assert.True(schema.RootElement.TryGetProperty("properties", out var keys) && keys.TryGetProperty("training", out _), "recipe.schema.json is not the recipe schema");
            Assert.Contains("name: demo\n", recipe.Replace("\r\n", "\n"));

            // ---- dotnet build demo: 0 warnings, 0 errors ----
            var build = Dotnet.Run(work, Minutes10, "build", "demo");
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.Equal(["0 Warning", "0 Error"], BuildSummary().Matches(build.Output).Select(m => $"{m.Groups["n"].Value} {m.Groups["kind"].Value}"));
            string program = Path.Combine(demo, "bin", "Debug", "net10.0");
            Assert.True(File.Exists(Path.Combine(program, "demo.dll")), build.ToString());
            // The program holds no folder of the build machine: string literals are UTF-16 in the assembly.
            var assembly = File.ReadAllBytes(Path.Combine(program, "demo.dll"));
            Assert.False(Contains(assembly, Encoding.Unicode.GetBytes(demo)), $"demo.dll holds the project folder {demo} as a string");

            // ---- Sdk="DeclarativeSft.Sdk" with the version in global.json's msbuild-sdks builds the same project ----
            string pinned = Path.Combine(work, "pinned");
            Directory.CreateDirectory(Path.Combine(pinned, "data"));
            File.Copy(recipePath, Path.Combine(pinned, "recipe.sft.yaml"));
            File.Copy(Path.Combine(demo, "data", "train.jsonl"), Path.Combine(pinned, "data", "train.jsonl"));
            File.WriteAllText(Path.Combine(pinned, "pinned.csproj"), "<Project Sdk=\"DeclarativeSft.Sdk\" />\n");
            File.WriteAllText(Path.Combine(pinned, "global.json"), $$"""{ "msbuild-sdks": { "DeclarativeSft.Sdk": "{{version}}" } }""");
            var pinnedBuild = Dotnet.Run(work, Minutes10, "build", "pinned");
            Assert.True(pinnedBuild.ExitCode == 0, pinnedBuild.ToString());
            Assert.Equal(["0 Warning", "0 Error"], BuildSummary().Matches(pinnedBuild.Output).Select(m => $"{m.Groups["n"].Value} {m.Groups["kind"].Value}"));
            Assert.True(File.Exists(Path.Combine(pinned, "bin", "Debug", "net10.0", "pinned.dll")), pinnedBuild.ToString());

            // ---- README's component classes, verbatim, in a project of the user's own: it builds with 0 warnings and
            //      the evaluator it names is a row of the held-out table ----
            string components = Path.Combine(work, "components");
            Directory.CreateDirectory(Path.Combine(components, "data"));
            File.Copy(Path.Combine(demo, "data", "train.jsonl"), Path.Combine(components, "data", "train.jsonl"));
            File.WriteAllText(Path.Combine(components, "components.csproj"), $"<Project Sdk=\"DeclarativeSft.Sdk/{version}\" />\n");
            var classes = ReadmeComponentClasses();
            Assert.Contains("AnswerLengthEvaluator", classes.Keys);
            foreach (var (name, code) in classes)
                File.WriteAllText(Path.Combine(components, name + ".cs"), code);
            string withEvaluator = recipe.Replace("\neval:\n", "\neval:\n  evaluators: [validation_loss, AnswerLengthEvaluator]\n");
            Assert.NotEqual(recipe, withEvaluator);
            File.WriteAllText(Path.Combine(components, "recipe.sft.yaml"), withEvaluator);
            var componentsBuild = Dotnet.Run(work, Minutes10, "build", "components");
            Assert.True(componentsBuild.ExitCode == 0, componentsBuild.ToString());
            Assert.Equal(["0 Warning", "0 Error"], BuildSummary().Matches(componentsBuild.Output).Select(m => $"{m.Groups["n"].Value} {m.Groups["kind"].Value}"));
            var componentsRun = Dotnet.Run(work, Minutes10, "run", "--project", "components", "--", "--max-steps", "2");
            Assert.True(componentsRun.ExitCode == 0, componentsRun.ToString());
            // Measured before and after training: two numbers, not "-".
            Assert.True(componentsRun.OutputLines.Any(l => Regex.IsMatch(l, @"^\s+mean answer length\s+[0-9.]+\s+[0-9.]+\s*$")), componentsRun.ToString());

            // ---- a misspelt key: error SFT0002 at its line and column, in dotnet build and in sft validate ----
            var lines = File.ReadAllLines(recipePath);
            int keyLine = Array.FindIndex(lines, l => l.StartsWith("  learning_rate:", StringComparison.Ordinal)) + 1;
            Assert.True(keyLine > 0, "the template's recipe has no training.learning_rate line to misspell");
            File.WriteAllText(recipePath, recipe.Replace("  learning_rate:", "  lerning_rate:"));
            var broken = Dotnet.Run(work, Minutes10, "build", "demo");
            Assert.NotEqual(0, broken.ExitCode);
            var buildDiagnostics = Diagnostics(broken);
            var typo = Assert.Single(buildDiagnostics);
            Assert.StartsWith($"{recipePath}({keyLine},3): error SFT0002: ", typo);
            Assert.Contains("'learning_rate'", typo);

            // ---- dotnet tool install --tool-path <tmp> DeclarativeSft.Cli --add-source <feed>; sft validate ----
            string tools = temp["tools"];
            var tool = Dotnet.Run(work, Minutes10, "tool", "install", "--tool-path", tools, "DeclarativeSft.Cli", "--version", version, "--add-source", feed);
            Assert.True(tool.ExitCode == 0, tool.ToString());
            string sft = Path.Combine(tools, OperatingSystem.IsWindows() ? "sft.exe" : "sft");
            var validated = Dotnet.RunProgram(sft, work, Minutes10, "validate", "demo/recipe.sft.yaml");
            Assert.Equal(1, validated.ExitCode);
            Assert.Equal(buildDiagnostics, Diagnostics(validated));

            File.WriteAllText(recipePath, recipe);
            var valid = Dotnet.RunProgram(sft, work, Minutes10, "validate", "demo/recipe.sft.yaml");
            Assert.True(valid.ExitCode == 0, valid.ToString());
            Assert.Empty(Diagnostics(valid));

            // ---- dotnet run --project demo -- --max-steps 3, from the folder above it: metrics.jsonl ----
            var run = Dotnet.Run(work, Minutes10, "run", "--project", "demo", "--", "--max-steps", "3");
            Assert.True(run.ExitCode == 0, run.ToString());
            string metrics = Path.Combine(demo, "out", "demo", "metrics.jsonl");
            Assert.True(File.Exists(metrics), $"no {metrics}\n{run}");
            Assert.Equal([1, 2, 3], TrainingSteps(metrics));

            // ---- the built program copied elsewhere, started with the recipe folder as its working directory ----
            string elsewhere = temp["elsewhere"];
            CopyFolder(program, elsewhere);
            Directory.Delete(Path.Combine(demo, "out"), recursive: true);
            var moved = Dotnet.Run(demo, Minutes10, Path.Combine(elsewhere, "demo.dll"), "--max-steps", "1");
            Assert.True(moved.ExitCode == 0, moved.ToString());
            Assert.Equal([1], TrainingSteps(metrics));

            // Started anywhere else it says where it looked and what to do; --recipe-dir points it at the recipe.
            var lost = Dotnet.Run(work, Minutes10, Path.Combine(elsewhere, "demo.dll"), "--max-steps", "1");
            Assert.True(lost.ExitCode == 1, lost.ToString());
            Assert.Contains("data/train.jsonl", lost.Stderr);
            Assert.Contains("--recipe-dir", lost.Stderr);
            Assert.DoesNotContain("   at ", lost.Output);
            var pointed = Dotnet.Run(work, Minutes10, Path.Combine(elsewhere, "demo.dll"), "--max-steps", "1", "--recipe-dir", "demo", "--resume", "never");
            Assert.True(pointed.ExitCode == 0, pointed.ToString());

            log.WriteLine($"whole walkthrough: {total.Elapsed.TotalSeconds:F0} s (load average {LoadAverage()})");
        }
        finally
        {
            RemoveFromGlobalPackages(version);
        }
    }

    /// <summary>The C# blocks of README's Components section, by the class each declares: what a reader copies.</summary>
    private static Dictionary<string, string> ReadmeComponentClasses()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).Replace("\r\n", "\n");
        int start = readme.IndexOf("\n### Components\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no '### Components' section");
        int end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        string section = readme[start..(end < 0 ? readme.Length : end)];
        var classes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match block in Regex.Matches(section, "```csharp\n(?<code>.*?)```", RegexOptions.Singleline))
        {
            string code = block.Groups["code"].Value;
            var declared = Regex.Match(code, @"\bclass (?<name>\w+)");
            Assert.True(declared.Success, $"a C# block of README's Components section declares no class:\n{code}");
            classes.Add(declared.Groups["name"].Value, code);
        }
        return classes;
    }

    /// <summary>The MSBuild-format diagnostic lines, without what only the build adds: the project in brackets and the
    /// help link in parentheses.</summary>
    private static List<string> Diagnostics(ProcessResult result) =>
        result.OutputLines.Where(l => DiagnosticLine().IsMatch(l))
            .Select(l => Regex.Replace(l.Trim(), @" \[[^\]]+\]$", ""))
            .Select(l => Regex.Replace(l, @" \(docs/diagnostics\.md#sft[0-9]+\)$", ""))
            .Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Steps of the training lines (those with a loss) of metrics.jsonl.</summary>
    private static List<int> TrainingSteps(string metrics) =>
        File.ReadLines(metrics).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("loss", out _)).Select(e => e.GetProperty("step").GetInt32()).ToList();

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private static void CopyFolder(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    /// <summary>This run's packages in NuGet's global packages folder (its unique version only).</summary>
    private static void RemoveFromGlobalPackages(string version)
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (!Directory.Exists(packages)) return;
        foreach (var id in Directory.GetDirectories(packages, "declarativesft.*"))
        {
            string folder = Path.Combine(id, version);
            try
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
                if (!Directory.EnumerateFileSystemEntries(id).Any()) Directory.Delete(id);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
