using DeclarativeSft.Cli.Tests.Infrastructure;

namespace DeclarativeSft.Cli.Tests.Commands;

/// <summary><c>sft new</c> in a temporary parent folder: what it creates, what it refuses, and that it leaves no debris.</summary>
public class NewCommandTests
{
    private static string[] FilesUnder(string dir) =>
        Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(dir, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    [Fact]
    public void Creates_the_project_recipe_and_data_and_nothing_else()
    {
        using var temp = new TempFolder();

        var result = Sft.Run("new", "support-bot", "--dir", temp.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            ["support-bot", "support-bot/data", "support-bot/data/train.jsonl", "support-bot/recipe.sft.yaml", "support-bot/support-bot.csproj"],
            FilesUnder(temp.Path));
        string project = Path.Combine(temp.Path, "support-bot");
        Assert.Contains("Microsoft.NET.Sdk", File.ReadAllText(Path.Combine(project, "support-bot.csproj")));
        Assert.Contains("name: support-bot", File.ReadAllLines(Path.Combine(project, "recipe.sft.yaml")));
        Assert.NotEmpty(File.ReadAllLines(Path.Combine(project, "data", "train.jsonl")));
        Assert.Contains(project, result.Stdout);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public void Scaffolded_recipe_passes_sft_validate()
    {
        using var temp = new TempFolder();
        var created = Sft.Run("new", "arith-demo", "--dir", temp.Path);
        Assert.True(created.ExitCode == 0, created.ToString());

        var validated = Sft.Run("validate", Path.Combine(temp.Path, "arith-demo", "recipe.sft.yaml"));

        Assert.True(validated.ExitCode == 0, validated.ToString());
        Assert.DoesNotContain(validated.StdoutLines.Concat(validated.StderrLines), l => l.Contains(": error ") || l.Contains(": warning "));
    }

    [Fact]
    public void Refuses_an_existing_folder_and_leaves_it_untouched()
    {
        using var temp = new TempFolder();
        string existing = Path.Combine(temp.Path, "taken");
        temp.Write("taken/notes.txt", "mine\n");
        var before = FilesUnder(temp.Path);

        var result = Sft.Run("new", "taken", "--dir", temp.Path);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(before, FilesUnder(temp.Path));
        Assert.Equal("mine\n", File.ReadAllText(Path.Combine(existing, "notes.txt")));
        var line = Assert.Single(result.StderrLines);
        Assert.Contains(existing, line);
        Sft.AssertNoStackTrace(result);
    }

    [Theory]
    [InlineData("My_Bot")]
    [InlineData("1bot")]
    [InlineData("bot-")]
    [InlineData("a--b")]
    [InlineData("../escape")]
    [InlineData("sp ace")]
    public void Rejects_a_name_that_is_not_kebab_case_and_creates_nothing(string name)
    {
        using var temp = new TempFolder();

        var result = Sft.Run("new", name, "--dir", temp.Path);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Empty(FilesUnder(temp.Path));
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(temp.Path)!, "escape")));
        var line = Assert.Single(result.StderrLines);
        Assert.Contains(name, line);
        Sft.AssertNoStackTrace(result);
    }

    [Fact]
    public void Outside_a_checkout_without_dir_it_says_what_to_do()
    {
        using var temp = new TempFolder();

        var result = Sft.Run(["new", "lost-bot"], workingDirectory: temp.Path);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Empty(FilesUnder(temp.Path));
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("--dir", line);
        Sft.AssertNoStackTrace(result);
    }
}
