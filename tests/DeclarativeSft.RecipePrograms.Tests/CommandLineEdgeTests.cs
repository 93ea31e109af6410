using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Commands;
using DeclarativeSft.Runtime.Hosting;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>
/// Command-line edges of a recipe program (issue 10, item 10): --max-steps 0/-1 and --seed -1 are errors like their
/// YAML keys; --output inside an input folder is refused like output.dir (SFT0033); a data file that is a device
/// (/dev/zero), a pipe or a folder is refused at once instead of being read forever.
/// </summary>
public class CommandLineEdgeTests
{
    private static RecipeSpec ChatLora => ShippedRecipes.Load(ShippedRecipes.RecipePath("chat-lora"));

    [Theory]
    [InlineData("--max-steps", "0", "must be at least 1 (like training.max_steps)")]
    [InlineData("--max-steps", "-1", "must be at least 1 (like training.max_steps)")]
    [InlineData("--seed", "-1", "must be 0 or more (like training.seed)")]
    public void Out_of_range_overrides_are_errors_like_their_yaml_keys(string option, string value, string message)
    {
        foreach (var args in new[] { new[] { option, value }, new[] { "train", option, value }, new[] { "eval", option, value } })
        {
            Assert.Null(RecipeHost.ParseOptions(ChatLora, args));
            var error = Assert.Single(RecipeHost.Errors(ChatLora, args));
            Assert.Contains($"{option} is {value}", error);
            Assert.Contains(message, error);
        }
        Assert.NotNull(RecipeHost.ParseOptions(ChatLora, [option, "1"]));
    }

    [Theory]
    [InlineData("model")]
    [InlineData("data")]
    public void Output_inside_an_input_folder_is_refused_like_output_dir(string which)
    {
        var spec = ChatLora;
        var folder = which == "model" ? spec.Model.Path! : Path.GetDirectoryName(spec.Data.Train[0].Path)!;
        var output = Path.Combine(folder, "out");
        var error = new StringWriter();

        int exit = RecipeCommands.Run(spec, new RecipeRunOptions(RecipeCommand.Train, MaxSteps: 1, Output: output), new StringWriter(), error);

        Assert.Equal(1, exit);
        var message = error.ToString().Trim();
        Assert.DoesNotContain("\n", message);
        Assert.Contains($"--output '{output}' is inside the {which} folder", message);
        Assert.False(Directory.Exists(output), "nothing was written inside the input folder");
    }

    [Theory]
    [InlineData("/dev/zero", "a character device")]
    [InlineData("folder", "a folder")]
    public async Task Data_file_that_is_not_a_regular_file_is_refused_at_once(string path, string kind)
    {
        using var temp = new TempFolder();
        if (path == "folder") path = Directory.CreateDirectory(Path.Combine(temp.Path, "train.jsonl")).FullName;
        var spec = ChatLora with { Data = ChatLora.Data with { Train = EquatableArray.Of(ChatLora.Data.Train[0] with { Path = path }) } };
        var error = new StringWriter();

        var run = Task.Run(() => RecipeCommands.Run(spec, new RecipeRunOptions(RecipeCommand.Train, MaxSteps: 1, Output: Path.Combine(temp.Path, "out")), new StringWriter(), error));

        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))) == run, $"reading {path} did not end");
        Assert.Equal(1, await run);
        var message = error.ToString().Trim();
        Assert.StartsWith($"error: {path}: data.train names {kind}", message);
        Assert.DoesNotContain("\n", message);
    }
}
