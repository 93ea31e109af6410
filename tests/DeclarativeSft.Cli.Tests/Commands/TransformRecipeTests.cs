using DeclarativeSft.Cli.Tests.Infrastructure;

namespace DeclarativeSft.Cli.Tests.Commands;

/// <summary>
/// A recipe naming <c>data.transform</c> (C# of the recipe project, which <c>sft</c> cannot construct): the commands that
/// would show or prove on its data refuse with one line naming the class and the recipe program's command to run
/// instead, writing nothing; the checking commands run on the files as they are and say so (SFT0077 at the
/// data.transform node), as the build does.
/// </summary>
public class TransformRecipeTests
{
    // data.transform is on line 8, its value at column 14.
    private const string Recipe = """
        name: shouting
        model:
          init: { preset: tiny, seed: 1 }
        tokenizer: builtin:bytes
        data:
          train: data/train.jsonl
          max_seq_len: 128
          transform: Shouting.ShoutingTransform
        training:
          epochs: 1
        output:
          dir: out/shouting
        """;

    private static string WriteRecipe(TempFolder temp)
    {
        temp.Write("data/train.jsonl", string.Concat(Enumerable.Range(1, 4).Select(i =>
            $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"say w{i}\"}},{{\"role\":\"assistant\",\"content\":\"reply {new string('!', i)}\"}}]}}\n")));
        return temp.Write("recipe.sft.yaml", Recipe);
    }

    [Fact]
    public void Inspect_refuses_naming_the_class_and_the_recipe_programs_inspect()
    {
        using var temp = new TempFolder();
        var recipe = WriteRecipe(temp);

        var result = Sft.Run(["inspect", recipe]);

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("'Shouting.ShoutingTransform'", line);
        Assert.Contains($"dotnet run --project {temp.Path} -- inspect", line);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr);
        Assert.DoesNotContain("example 1", result.Stdout); // no label view of the untransformed files
    }

    [Theory]
    [InlineData("merge", "--adapter")]
    [InlineData("export", "--checkpoint")]
    public void Merge_and_export_with_the_recipe_refuse_before_writing_naming_the_recipe_programs_export(string command, string adapterOption)
    {
        using var temp = new TempFolder();
        var recipe = WriteRecipe(temp);
        var adapter = Path.Combine(temp.Path, "adapter");
        Directory.CreateDirectory(adapter);
        var output = Path.Combine(temp.Path, "merged");

        var result = Sft.Run([command, "--base", Path.Combine(RepoPaths.Root, "recipes", "models", "tiny-chat"), adapterOption, adapter,
            "--output", output, "--recipe", recipe]);

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"sft {command}: ", line);
        Assert.Contains("'Shouting.ShoutingTransform'", line);
        Assert.Contains($"dotnet run --project {temp.Path} -- export", line);
        Assert.False(Directory.Exists(output), "nothing may be written");
    }

    [Fact]
    public void Validate_and_lint_say_at_the_transform_that_they_checked_the_untransformed_files()
    {
        using var temp = new TempFolder();
        var recipe = WriteRecipe(temp);
        string expected = $"{recipe}(8,14): info SFT0077: data.transform 'Shouting.ShoutingTransform'";

        var validated = Sft.Run(["validate", recipe]);
        var linted = Sft.Run(["lint", recipe]);

        Assert.True(validated.ExitCode == 0, validated.ToString());
        Assert.Single(validated.StdoutLines, l => l.StartsWith(expected, StringComparison.Ordinal) && l.Contains("before the transform"));
        Assert.True(linted.ExitCode == 0, linted.ToString());
        Assert.Single(linted.StdoutLines, l => l.StartsWith(expected, StringComparison.Ordinal) && l.Contains("sft lint"));
    }

    [Fact]
    public void With_data_format_custom_validate_checks_the_lines_as_json_and_lint_refuses_naming_the_programs_inspect()
    {
        using var temp = new TempFolder();
        temp.Write("data/train.jsonl", "{\"q\": \"printer?\", \"a\": \"Restart it.\"}\n[\"any\", \"shape\"]\n{\"q\": }\n");
        var recipe = temp.Write("recipe.sft.yaml", Recipe.Replace("  max_seq_len: 128\n", "  max_seq_len: 128\n  format: custom\n"));
        string note = $"{recipe}(9,14): info SFT0078: data.format is custom";

        var validated = Sft.Run(["validate", recipe]);
        var linted = Sft.Run(["lint", recipe]);

        // validate: the one line that is not JSON is an error at its line and column; the others pass whatever their shape.
        Assert.True(validated.ExitCode == 1, validated.ToString());
        Assert.Single(validated.StdoutLines.Concat(validated.StderrLines), l => l.Contains("SFT0021"));
        Assert.Contains(validated.StdoutLines.Concat(validated.StderrLines), l => l.StartsWith(Path.Combine(temp.Path, "data", "train.jsonl") + "(3,7): error SFT0021", StringComparison.Ordinal));
        Assert.Single(validated.StdoutLines, l => l.StartsWith(note, StringComparison.Ordinal));
        // lint: nothing to lint without the transform; one error line naming the class and what to run.
        Assert.True(linted.ExitCode == 1, linted.ToString());
        Assert.Single(linted.StdoutLines, l => l.StartsWith(note, StringComparison.Ordinal));
        var line = Assert.Single(linted.StderrLines);
        Assert.Contains("'Shouting.ShoutingTransform'", line);
        Assert.Contains($"dotnet run --project {temp.Path} -- inspect", line);
        Assert.DoesNotContain("   at ", linted.Stdout + linted.Stderr);
    }
}
