using System.Security.Cryptography;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Commands;
using DeclarativeSft.Runtime.Hosting;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>
/// What a recipe program's output folder holds belongs to that recipe (issue 10, items 1 and 4), checked through the
/// program's own commands: a checkpoint another recipe wrote into the folder is not resumed, and the recipe's own
/// export (the <c>export</c> command, the last step of <c>train</c>) refuses a folder of the user's instead of
/// replacing it. The trainer-level cases (seed, settings, locks, --resume never) are RunOwnershipTests in the runtime's
/// tests; sft merge/export's are ExportSafetyTests in the CLI's.
/// </summary>
public class RecipeRunOwnershipTests
{
    private static RecipeSpec ChatLora => ShippedRecipes.Load(ShippedRecipes.RecipePath("chat-lora"));

    /// <summary>Every file under <paramref name="dir"/> with its hash, except the preparation cache (shared by runs
    /// of equal inputs by design).</summary>
    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(dir, f).StartsWith("cache" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    /// <param name="change">"recipe": the same model, data and settings under another recipe's name; "mask": the same
    /// recipe training other tokens (mask.train_on: last_assistant), which only the training rows' digest shows.</param>
    [Theory]
    [InlineData("recipe", "name was chat-lora, now chat-lora-copy")]
    [InlineData("mask", "data (training rows) was ")]
    public void Checkpoint_of_another_recipe_or_other_training_data_is_not_resumed(string change, string named)
    {
        using var temp = new TempFolder();
        var first = new StringWriter();
        Assert.True(RecipeCommands.Run(ChatLora, new RecipeRunOptions(RecipeCommand.Train, MaxSteps: 2, Output: temp.Path), new StringWriter(), first) == 0, first.ToString());
        var checkpoint = Path.Combine(temp.Path, "checkpoints", "step-2");
        Assert.True(Directory.Exists(checkpoint));
        var before = Snapshot(temp.Path);

        // Pointed at the first run's folder with resume auto (the default), as a copied recipe would be.
        var other = change == "recipe"
            ? ChatLora with { Name = "chat-lora-copy" }
            : ChatLora with { Mask = ChatLora.Mask with { TrainOn = DeclarativeSft.Data.LossMaskMode.LastAssistant } };
        var error = new StringWriter();
        int exit = RecipeCommands.Run(other, new RecipeRunOptions(RecipeCommand.Train, MaxSteps: 4, Output: temp.Path), new StringWriter(), error);

        Assert.Equal(1, exit);
        var message = error.ToString().Trim();
        Assert.DoesNotContain("\n", message);
        Assert.Contains(checkpoint, message);
        Assert.Contains("belongs to another run", message);
        Assert.Contains(named, message);
        Assert.Contains("--resume never", message);
        Assert.Equal(before, Snapshot(temp.Path)); // nothing of the first run was touched
    }

    [Theory]
    [InlineData("adapter")]
    [InlineData("merged")]
    public void Recipe_export_refuses_a_users_non_empty_folder_and_leaves_it_as_it_was(string format)
    {
        using var temp = new TempFolder();
        var trained = new StringWriter();
        Assert.True(RecipeCommands.Run(ChatLora, new RecipeRunOptions(RecipeCommand.Train, MaxSteps: 1, Output: temp.Path), new StringWriter(), trained) == 0, trained.ToString());
        // The export folder the run wrote is replaced by a folder of the user's (no export marker) of the same name.
        var folder = Path.Combine(temp.Path, format);
        Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(Path.Combine(folder, "notes"));
        File.WriteAllText(Path.Combine(folder, "README.md"), "my own model card");
        File.WriteAllText(Path.Combine(folder, "notes", "eval.csv"), "step,score\n1,0.5\n");
        var before = Snapshot(folder);

        var error = new StringWriter();
        int exit = RecipeCommands.Run(ChatLora, new RecipeRunOptions(RecipeCommand.Export, Output: temp.Path), new StringWriter(), error);

        Assert.Equal(1, exit);
        var message = error.ToString().Trim();
        Assert.DoesNotContain("\n", message);
        Assert.DoesNotContain("   at ", message);
        Assert.Contains(folder, message);
        Assert.Contains("not empty", message);
        Assert.Equal(before, Snapshot(folder));
        Assert.Empty(Directory.GetDirectories(temp.Path, $".{format}.sft-*"));
    }
}
