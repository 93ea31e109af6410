using DeclarativeSft.Cli.Tests.Infrastructure;

namespace DeclarativeSft.Cli.Tests.Commands;

/// <summary><c>sft new</c> in a temporary checkout's recipes/ folder: what it creates, what it refuses, and that it leaves no debris.</summary>
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
        string recipes = temp.MakeCheckout();

        var result = Sft.Run("new", "support-bot", "--dir", recipes);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            ["support-bot", "support-bot/data", "support-bot/data/train.jsonl", "support-bot/recipe.sft.yaml", "support-bot/support-bot.csproj"],
            FilesUnder(recipes));
        string project = Path.Combine(recipes, "support-bot");
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
        string recipes = temp.MakeCheckout();
        var created = Sft.Run("new", "arith-demo", "--dir", recipes);
        Assert.True(created.ExitCode == 0, created.ToString());

        var validated = Sft.Run("validate", Path.Combine(recipes, "arith-demo", "recipe.sft.yaml"));

        Assert.True(validated.ExitCode == 0, validated.ToString());
        Assert.DoesNotContain(validated.StdoutLines.Concat(validated.StderrLines), l => l.Contains(": error ") || l.Contains(": warning "));
    }

    [Fact]
    public void Refuses_an_existing_folder_and_leaves_it_untouched()
    {
        using var temp = new TempFolder();
        string recipes = temp.MakeCheckout();
        string existing = Path.Combine(recipes, "taken");
        temp.Write("recipes/taken/notes.txt", "mine\n");
        var before = FilesUnder(recipes);

        var result = Sft.Run("new", "taken", "--dir", recipes);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(before, FilesUnder(recipes));
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
        string recipes = temp.MakeCheckout();

        var result = Sft.Run("new", name, "--dir", recipes);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Empty(FilesUnder(recipes));
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "escape")));
        var line = Assert.Single(result.StderrLines);
        Assert.Contains(name, line);
        Sft.AssertNoStackTrace(result);
    }

    [Fact]
    public void Dir_outside_a_checkouts_recipes_folder_is_refused_and_nothing_is_created()
    {
        using var temp = new TempFolder();
        temp.MakeCheckout();
        string elsewhere = Path.Combine(temp.Path, "elsewhere");
        Directory.CreateDirectory(elsewhere);

        var outside = Sft.Run("new", "lost-bot", "--dir", elsewhere);
        var missing = Sft.Run("new", "lost-bot", "--dir", Path.Combine(temp.Path, "recipes", "not", "there"));

        foreach (var result in new[] { outside, missing })
        {
            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Contains("recipes", Assert.Single(result.StderrLines));
            Sft.AssertNoStackTrace(result);
        }
        Assert.Empty(FilesUnder(elsewhere));
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "recipes", "not")));
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
