using System.Text.Json.Nodes;
using DeclarativeSft.Runtime.Commands;
using DeclarativeSft.Runtime.Hosting;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>
/// The real generated program (recipes/code-assistant, built by this test project's build) run as a child process, as
/// a user runs it; and the follow-up commands (eval, generate, export) on a trained output folder.
/// </summary>
public class GeneratedProgramTests
{
    [Fact]
    public void Code_assistant_program_trains_three_steps_and_exits_0_without_a_stack_trace()
    {
        using var temp = new TempFolder();

        var (exit, stdout, stderr) = RunProgram("code-assistant", ["--max-steps", "3", "--output", temp.Path]);

        Assert.True(exit == 0, $"exit {exit}\nstderr: {stderr}\nstdout: {stdout}");
        Assert.DoesNotContain("   at ", stdout + stderr);
        Assert.DoesNotContain("Exception", stdout + stderr);
        // The plan, the before/after table with held-out task scores, samples and the output list are printed.
        Assert.Contains("trainable params: 886,", stdout); // tiny preset over a 259-token byte vocabulary (full fine-tuning)
        Assert.Contains("3 optimizer steps", stdout);
        Assert.Contains("exact match (4 tasks)", stdout);
        Assert.Contains("unit tests: tasks passed", stdout);
        Assert.Contains("sample generations", stdout);
        Assert.Contains(Path.Combine(temp.Path, "metrics.jsonl"), stdout);
        var steps = File.ReadLines(Path.Combine(temp.Path, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!["step"]!.GetValue<int>()).Max();
        Assert.Equal(3, steps);
        Assert.Equal(4, File.ReadLines(Path.Combine(temp.Path, "heldout-after.jsonl")).Count());
        Assert.True(File.Exists(Path.Combine(temp.Path, "full", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(temp.Path, "full", "tokenizer.json")), "a from-scratch export carries tokenizer files for its byte tokenizer");
    }

    [Fact]
    public void Code_assistant_program_reports_a_missing_checkpoint_in_one_line_with_exit_1()
    {
        using var temp = new TempFolder();

        var (exit, stdout, stderr) = RunProgram("code-assistant", ["eval", "--output", temp.Path]);

        Assert.Equal(1, exit);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(Path.Combine(temp.Path, "checkpoints"), lines[0]);
        Assert.DoesNotContain("   at ", stdout + stderr);
    }

    [Fact]
    public void Eval_generate_and_export_use_the_latest_checkpoint_of_a_lora_run()
    {
        var spec = ShippedRecipes.Load(ShippedRecipes.RecipePath("chat-lora"));
        using var temp = new TempFolder();
        RecipeRunOptions Options(RecipeCommand c, string? prompt = null) => new(c, MaxSteps: 4, Output: temp.Path, Prompt: prompt);
        var error = new StringWriter();
        Assert.Equal(0, RecipeCommands.Run(spec, Options(RecipeCommand.Train), new StringWriter(), error));
        Directory.Delete(Path.Combine(temp.Path, "adapter"), true);
        Directory.Delete(Path.Combine(temp.Path, "merged"), true);
        var finalVal = File.ReadLines(Path.Combine(temp.Path, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject())
            .Last(o => o["val_loss"] is not null)["val_loss"]!.GetValue<double>();

        var evalOut = new StringWriter();
        Assert.Equal(0, RecipeCommands.Run(spec, Options(RecipeCommand.Eval), evalOut, error));
        // eval reloads the checkpoint into a fresh model: the same validation loss as the trainer measured at the end.
        Assert.Contains(finalVal.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture), evalOut.ToString());

        var generated = new StringWriter();
        Assert.Equal(0, RecipeCommands.Run(spec, Options(RecipeCommand.Generate, "What is 23 times 7?"), generated, error));
        var samples = File.ReadLines(Path.Combine(temp.Path, "samples.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject())
            .Last(o => (string?)o["prompt"] == "What is 23 times 7?");
        // Greedy decoding of the same prompt by the same weights: generate prints what the trainer sampled greedily.
        Assert.Equal((string)samples["greedy"]! + Environment.NewLine, generated.ToString());

        var exported = new StringWriter();
        Assert.Equal(0, RecipeCommands.Run(spec, Options(RecipeCommand.Export), exported, error));
        Assert.True(File.Exists(Path.Combine(temp.Path, "adapter", "adapter_config.json")));
        Assert.True(File.Exists(Path.Combine(temp.Path, "adapter", "adapter_model.safetensors")));
        Assert.True(File.Exists(Path.Combine(temp.Path, "merged", "config.json")));
        Assert.True(File.Exists(Path.Combine(temp.Path, "merged", "tokenizer.json")));
        Assert.Equal("", error.ToString());
    }

    private static (int Exit, string Stdout, string Stderr) RunProgram(string recipe, string[] args)
    {
        // This test assembly sits in tests/…/bin/<Configuration>/net10.0/; the recipe was built in the same configuration.
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        string dll = Path.Combine(RepoPaths.Root, "recipes", recipe, "bin", configuration, "net10.0", recipe + ".dll");
        Assert.True(File.Exists(dll), $"{dll} not found: build recipes/{recipe} (the test project's build does it)");
        // The program resolves its recipe's paths against the recipe folder: its working directory, as for a user.
        ProcessResult result;
        try
        {
            result = ChildProcess.Run("dotnet", [dll, .. args], TimeSpan.FromMinutes(5), Path.Combine(RepoPaths.Root, "recipes", recipe),
                new Dictionary<string, string> { [RecipeCommands.HeldOutItemsVariable] = "4" });
        }
        catch (TimeoutException e) { Assert.Fail($"{recipe} did not finish in 5 minutes: {e.Message}"); throw; }
        return (result.ExitCode, result.Stdout, result.Stderr);
    }
}
