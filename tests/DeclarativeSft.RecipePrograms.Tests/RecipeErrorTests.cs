using DeclarativeSft.Runtime.Commands;
using DeclarativeSft.Runtime.Hosting;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>Bad input ends a recipe program with one clear stderr line and exit code 1, never a stack trace.</summary>
public class RecipeErrorTests
{
    [Theory]
    [InlineData("alpaca-instruct", 7, "{\"instruction\": \"Say hi\", \"output\": ")]
    [InlineData("chat-lora", 12, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"asistant\", \"content\": \"hello\"}]}")]
    public void A_corrupt_data_line_is_reported_with_its_file_and_line(string name, int line, string corrupt)
    {
        var spec = ShippedRecipes.Load(ShippedRecipes.RecipePath(name));
        using var temp = new TempFolder();
        // The data in a folder of its own: an --output inside the data folder is refused (like output.dir, SFT0033).
        var data = Path.Combine(Directory.CreateDirectory(Path.Combine(temp.Path, "data")).FullName, Path.GetFileName(spec.Data.Train[0].Path));
        var lines = File.ReadAllLines(spec.Data.Train[0].Path);
        lines[line - 1] = corrupt;
        File.WriteAllLines(data, lines);
        var corrupted = spec with { Data = spec.Data with { Train = DeclarativeSft.Recipes.EquatableArray.Of(spec.Data.Train[0] with { Path = data }) } };
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = RecipeCommands.Run(corrupted, new RecipeRunOptions(RecipeCommand.Train, MaxSteps: 1, Output: Path.Combine(temp.Path, "out")), output, error);

        Assert.Equal(1, exit);
        var message = error.ToString().Trim();
        Assert.StartsWith($"error: {data}:{line}:", message);
        Assert.DoesNotContain("\n", message);
        Assert.DoesNotContain("   at ", message);
    }

    [Fact]
    public void Generate_without_a_checkpoint_says_to_train_first()
    {
        var spec = ShippedRecipes.Load(ShippedRecipes.RecipePath("chat-lora"));
        using var temp = new TempFolder();
        var error = new StringWriter();

        int exit = RecipeCommands.Run(spec, new RecipeRunOptions(RecipeCommand.Generate, Output: temp.Path, Prompt: "What is 2 + 2?"), new StringWriter(), error);

        Assert.Equal(1, exit);
        Assert.Contains("no checkpoint yet", error.ToString());
        Assert.Contains("Train first", error.ToString());
    }
}
