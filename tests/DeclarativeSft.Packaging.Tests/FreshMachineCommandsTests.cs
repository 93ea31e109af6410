using System.Text.RegularExpressions;
using DeclarativeSft.Packaging.Tests.Infrastructure;

namespace DeclarativeSft.Packaging.Tests;

/// <summary>
/// README's commands work as written on a fresh machine (issue 10, item 12): CI runs exactly README's test command,
/// and every package installation the project tells a user to run (README, docs, .ci/run, the hints of failing
/// oracles) refreshes the package lists first — on a fresh Debian/Ubuntu image they are empty, and
/// <c>apt-get install</c> alone fails with "Unable to locate package".
/// </summary>
public partial class FreshMachineCommandsTests
{
    // Spelt in two parts so that this file is not one of the places it checks.
    private const string Install = "apt-get" + " install";
    private const string Update = "apt-get" + " update";

    [GeneratedRegex(@"^\s*(?<command>dotnet test\b[^#\n]*?)\s*(#.*)?$", RegexOptions.Multiline)]
    private static partial Regex DotnetTestLine();

    private static string Read(string relative) => File.ReadAllText(Path.Combine(RepoPaths.Root, relative)).Replace("\r\n", "\n");

    [Fact]
    public void Ci_runs_exactly_the_test_command_that_README_gives()
    {
        var readme = Read("README.md");
        var quickStart = readme[readme.IndexOf("## Quick start", StringComparison.Ordinal)..];
        quickStart = quickStart[..quickStart.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        var readmeCommand = Assert.Single(DotnetTestLine().Matches(quickStart)).Groups["command"].Value;

        var ciCommands = DotnetTestLine().Matches(Read(".ci/run")).Select(m => m.Groups["command"].Value).ToList();

        Assert.Equal([readmeCommand], ciCommands);
    }

    /// <summary>The files whose text tells someone what to install: documentation, the CI script, and the sources whose
    /// messages name an install command (test oracles, benchmarks).</summary>
    private static IEnumerable<string> InstructionFiles()
    {
        var skip = new[] { "bin", "obj", "node_modules", ".git", "out", "TestResults" };
        bool Kept(string path) => !Path.GetRelativePath(RepoPaths.Root, path).Split(Path.DirectorySeparatorChar).Any(skip.Contains);
        yield return Path.Combine(RepoPaths.Root, "README.md");
        yield return Path.Combine(RepoPaths.Root, ".ci", "run");
        foreach (var folder in new[] { "docs", "src", "tests", "bench", "generators", "recipes" })
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, folder), "*", SearchOption.AllDirectories))
                if (Kept(file) && Path.GetExtension(file) is ".md" or ".cs" or ".py" or ".sh" or ".json" && Path.GetFileName(file) != "FreshMachineCommandsTests.cs")
                    yield return file;
    }

    [Fact]
    public void Every_apt_get_install_is_preceded_by_apt_get_update()
    {
        var unrefreshed = new List<string>();
        int installs = 0;
        foreach (var file in InstructionFiles())
        {
            var text = File.ReadAllText(file).Replace("\r\n", "\n");
            var lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                for (int at = lines[i].IndexOf(Install, StringComparison.Ordinal); at >= 0; at = lines[i].IndexOf(Install, at + 1, StringComparison.Ordinal))
                {
                    installs++;
                    // In one command: `apt-get update && apt-get install …`. In a script: an `apt-get update` that runs
                    // before it, on an earlier line of the same block.
                    bool sameCommand = lines[i][..at].TrimEnd().EndsWith(Update + " &&", StringComparison.Ordinal)
                                       || Regex.IsMatch(lines[i][..at], Regex.Escape(Update) + @"( -\w+)* && $");
                    bool earlierLine = Path.GetFileName(file) == "run" && lines.Take(i).Reverse().TakeWhile(l => l.Trim().Length > 0)
                        .Any(l => l.TrimStart().StartsWith(Update, StringComparison.Ordinal));
                    if (!sameCommand && !earlierLine)
                        unrefreshed.Add($"{Path.GetRelativePath(RepoPaths.Root, file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }
        Assert.True(installs >= 3, $"found only {installs} install instructions: the scan does not see README, .ci/run and the oracle hints");
        Assert.True(unrefreshed.Count == 0, $"{Install} without {Update} before it (fails on a fresh machine):\n" + string.Join("\n", unrefreshed));
    }
}
