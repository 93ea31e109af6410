using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using DeclarativeSft.Cli.Tests.Infrastructure;

namespace DeclarativeSft.Cli.Tests.Commands;

/// <summary>
/// The promise of <c>sft new</c>: the scaffold, placed in the checkout's recipes/ folder (where Directory.Build.props
/// and Directory.Build.targets wire in the framework, the generator and the runtime), builds with zero warnings and
/// zero errors, and a data file replaced with an older timestamp is checked again. Real <c>dotnet build</c>s (slow, so
/// only these).
/// </summary>
public partial class NewScaffoldBuildTests
{
    [GeneratedRegex(@"^\s*(?<n>\d+) Warning\(s\)\s*$", RegexOptions.Multiline)]
    private static partial Regex WarningSummary();

    [GeneratedRegex(@"^\s*(?<n>\d+) Error\(s\)\s*$", RegexOptions.Multiline)]
    private static partial Regex ErrorSummary();

    [Fact]
    public void Scaffold_in_the_repositorys_recipes_folder_builds_with_zero_warnings_and_zero_errors()
    {
        string name = "zz-new-test-" + Guid.NewGuid().ToString("N")[..8];
        string project = Path.Combine(RepoPaths.Root, "recipes", name);
        try
        {
            // No --dir: run from the checkout root, as the README tells a user to.
            var created = Sft.Run(["new", name], workingDirectory: RepoPaths.Root);
            Assert.True(created.ExitCode == 0, created.ToString());
            Assert.True(File.Exists(Path.Combine(project, name + ".csproj")), $"sft new did not create {project}/{name}.csproj\n{created}");

            var build = DotnetBuild(project);

            string output = build.Stdout + build.Stderr;
            var diagnostics = output.Split('\n').Where(l => Regex.IsMatch(l, @": (warning|error) [A-Z]+\d+")).Distinct().ToList();
            Assert.True(build.ExitCode == 0, $"dotnet build failed:\n{string.Join("\n", diagnostics)}\n{Tail(output)}");
            var warnings = WarningSummary().Match(output);
            var errors = ErrorSummary().Match(output);
            Assert.True(warnings.Success && errors.Success, "no build summary in the output:\n" + Tail(output));
            Assert.True(warnings.Groups["n"].Value == "0" && errors.Groups["n"].Value == "0",
                $"expected 0 warnings and 0 errors, got {warnings.Groups["n"].Value} and {errors.Groups["n"].Value}:\n{string.Join("\n", diagnostics)}");
            Assert.True(File.Exists(Path.Combine(project, "bin", BuildConfiguration, "net10.0", name + ".dll")),
                "the build reported success but produced no program");
        }
        finally
        {
            if (Directory.Exists(project)) Directory.Delete(project, recursive: true);
        }
    }

    [Fact]
    public void A_data_file_replaced_with_an_older_timestamp_is_checked_again()
    {
        // cp -p, rsync -a and tar x keep a file's old modification time; the build's checks are keyed on content.
        string name = "zz-incremental-test-" + Guid.NewGuid().ToString("N")[..8];
        string project = Path.Combine(RepoPaths.Root, "recipes", name);
        try
        {
            var created = Sft.Run(["new", name], workingDirectory: RepoPaths.Root);
            Assert.True(created.ExitCode == 0, created.ToString());
            var clean = DotnetBuild(project);
            Assert.True(clean.ExitCode == 0, Tail(clean.Stdout + clean.Stderr));

            var data = Path.Combine(project, "data", "train.jsonl");
            var old = File.GetLastWriteTimeUtc(data).AddYears(-5);
            var lines = File.ReadAllLines(data);
            int bad = Array.FindIndex(lines, l => l.Contains("\"assistant\"", StringComparison.Ordinal));
            Assert.True(bad >= 0, "the scaffold's data has no assistant turn to break");
            lines[bad] = lines[bad].Replace("\"assistant\"", "\"asistant\"", StringComparison.Ordinal);
            File.WriteAllLines(data, lines);
            File.SetLastWriteTimeUtc(data, old);

            var rebuilt = DotnetBuild(project);
            string output = rebuilt.Stdout + rebuilt.Stderr;
            Assert.NotEqual(0, rebuilt.ExitCode);
            Assert.Contains($"train.jsonl({bad + 1},", output);
            Assert.Contains("error SFT0023", output);
        }
        finally
        {
            if (Directory.Exists(project)) Directory.Delete(project, recursive: true);
        }
    }

    /// <summary>The configuration this test assembly was built in, so the build reuses the dependencies already built.</summary>
    private static string BuildConfiguration =>
        typeof(NewScaffoldBuildTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    private static ProcessResult DotnetBuild(string project)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = RepoPaths.Root };
        foreach (var a in new[] { "build", project, "-c", BuildConfiguration, "-nodeReuse:false", "-p:UseSharedCompilation=false" })
            psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        // The test host may carry MSBuild settings of the outer `dotnet test`; the child build must be a user's plain one.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "MSBUILD_EXE_PATH").ToList())
            psi.Environment.Remove(key);
        return ChildProcess.Run(psi, TimeSpan.FromMinutes(8));
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
