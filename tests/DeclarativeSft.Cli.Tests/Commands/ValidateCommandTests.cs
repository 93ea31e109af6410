using System.Text.RegularExpressions;
using DeclarativeSft.Cli.Tests.Infrastructure;

namespace DeclarativeSft.Cli.Tests.Commands;

/// <summary><c>sft validate</c> run as CI and scripts run it: exit code and MSBuild-format diagnostic lines.</summary>
public partial class ValidateCommandTests
{
    /// <summary>MSBuild's canonical error format, which editors and CI annotate: <c>path(line,col): error CODE: text</c>.</summary>
    [GeneratedRegex(@"^(?<path>.+)\((?<line>\d+),(?<col>\d+)\): error (?<code>SFT\d{4}): (?<message>.+)$")]
    private static partial Regex MsBuildError();

    [Fact]
    public void Shipped_code_assistant_recipe_is_valid()
    {
        string recipe = Path.Combine(RepoPaths.Root, "recipes", "code-assistant", "recipe.sft.yaml");

        var result = Sft.Run("validate", recipe);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(result.StdoutLines.Concat(result.StderrLines), l => l.Contains(": error ") || l.Contains(": warning "));
        Assert.Contains("valid", result.Stdout);
    }

    [Fact]
    public void Misspelt_learning_rate_gives_exactly_one_msbuild_error_at_its_line_and_column()
    {
        using var temp = new TempFolder();
        // A copy of a shipped recipe with its data, so that the typo is the only thing wrong with it.
        string source = Path.Combine(RepoPaths.Root, "recipes", "alpaca-instruct");
        CopyFolder(source, temp.Path, skip: ["bin", "obj", "out"]);
        string recipe = Path.Combine(temp.Path, "recipe.sft.yaml");
        var lines = File.ReadAllLines(recipe);
        int index = Array.FindIndex(lines, l => l.TrimStart().StartsWith("learning_rate:", StringComparison.Ordinal));
        Assert.True(index >= 0, "the alpaca-instruct recipe should set training.learning_rate");
        int column = lines[index].IndexOf("learning_rate", StringComparison.Ordinal) + 1;
        lines[index] = lines[index].Replace("learning_rate:", "lerning_rate:");
        File.WriteAllLines(recipe, lines);

        var result = Sft.Run("validate", recipe);

        Assert.True(result.ExitCode == 1, result.ToString());
        var errors = result.StdoutLines.Concat(result.StderrLines).Where(l => l.Contains(": error ")).ToList();
        var error = Assert.Single(errors);
        var match = MsBuildError().Match(error);
        Assert.True(match.Success, $"not in MSBuild format: {error}");
        Assert.Equal(recipe, match.Groups["path"].Value);
        Assert.Equal(index + 1, int.Parse(match.Groups["line"].Value));
        Assert.Equal(column, int.Parse(match.Groups["col"].Value));
        Assert.Contains("learning_rate", match.Groups["message"].Value);
        Sft.AssertNoStackTrace(result);
    }

    [Fact]
    public void Missing_recipe_file_is_a_one_line_error_with_exit_1()
    {
        using var temp = new TempFolder();
        string missing = Path.Combine(temp.Path, "nope.sft.yaml");

        var result = Sft.Run("validate", missing);

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Contains(missing, line);
        Sft.AssertNoStackTrace(result);
    }

    [Fact]
    public void Yaml_that_does_not_parse_is_reported_at_a_position_not_as_a_crash()
    {
        using var temp = new TempFolder();
        string recipe = temp.Write("recipe.sft.yaml", "name: broken\nmodel:\n  init: { preset: tiny, seed: 1\ntraining:\n  epochs: [1\n");

        var result = Sft.Run("validate", recipe);

        Assert.True(result.ExitCode == 1, result.ToString());
        var errors = result.StdoutLines.Concat(result.StderrLines).Where(l => l.Contains(": error ")).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Matches(MsBuildError(), e));
        Sft.AssertNoStackTrace(result);
    }

    internal static void CopyFolder(string from, string to, string[] skip)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from))
            if (!skip.Contains(Path.GetFileName(dir))) CopyFolder(dir, Path.Combine(to, Path.GetFileName(dir)), skip);
    }
}
