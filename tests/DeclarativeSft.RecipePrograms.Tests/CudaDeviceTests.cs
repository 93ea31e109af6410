using System.Text.Json.Nodes;
using DeclarativeSft.Runtime.Commands;
using DeclarativeSft.Runtime.Hosting;
using DeclarativeSft.Torch;
using Xunit.Abstractions;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>
/// The CUDA paths of a recipe program: asked for where CUDA cannot run, the program stops with the reason (never a
/// silent CPU run); where a CUDA device exists, a few bf16 steps train on it. Without a device the CUDA run prints
/// why it did not run.
/// </summary>
public class CudaDeviceTests(ITestOutputHelper log)
{
    [Fact]
    public void Device_cuda_without_cuda_stops_with_the_reason_instead_of_training_on_the_cpu()
    {
        var reason = TorchRuntime.CudaUnavailableReason();
        if (reason is null)
        {
            log.WriteLine("CUDA is available here; the refusal path is not reachable on this machine");
            return;
        }
        var spec = ShippedRecipes.Load(ShippedRecipes.RecipePath("chat-lora"));
        using var temp = new TempFolder();
        var error = new StringWriter();

        int exit = RecipeCommands.Run(spec, new RecipeRunOptions(RecipeCommand.Train, MaxSteps: 1, Output: temp.Path, Device: "cuda"), new StringWriter(), error);

        Assert.Equal(1, exit);
        var message = error.ToString().Trim();
        Assert.StartsWith("error: device 'cuda' was asked for, but CUDA cannot be used: ", message);
        Assert.Contains(reason, message);
        if (TorchRuntime.Backend == "cpu") Assert.Contains("SftTorchBackend=cuda", message);
        Assert.False(File.Exists(Path.Combine(temp.Path, "metrics.jsonl")), "nothing may train after the refusal");
    }

    [Fact]
    public void A_device_index_beyond_the_devices_is_refused()
    {
        if (TorchRuntime.CudaUnavailableReason() is { } why)
        {
            log.WriteLine($"skipped: {why}");
            return;
        }
        var spec = ShippedRecipes.Load(ShippedRecipes.RecipePath("chat-lora"));
        using var temp = new TempFolder();
        var error = new StringWriter();
        int exit = RecipeCommands.Run(spec, new RecipeRunOptions(RecipeCommand.Train, MaxSteps: 1, Output: temp.Path, Device: "cuda:99"), new StringWriter(), error);
        Assert.Equal(1, exit);
        Assert.Contains("CUDA device(s)", error.ToString());
    }

    [Fact]
    public void Code_assistant_trains_in_bf16_on_cuda()
    {
        if (TorchRuntime.CudaUnavailableReason() is { } why)
        {
            log.WriteLine($"skipped: {why}");
            return;
        }
        var spec = ShippedRecipes.Load(ShippedRecipes.RecipePath("code-assistant"));
        spec = spec with { Training = spec.Training with { Precision = DeclarativeSft.Recipes.Precision.Bf16 } };
        using var temp = new TempFolder();
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = RecipeCommands.Run(spec, new RecipeRunOptions(RecipeCommand.Train, MaxSteps: 5, Output: temp.Path, Device: "cuda"), output, error, heldOutItems: 2,
            ShippedRecipes.Components("code-assistant"));

        Assert.True(exit == 0, $"exit {exit}\nstderr: {error}\nstdout: {output}");
        var losses = File.ReadAllLines(Path.Combine(temp.Path, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!["loss"]).Where(l => l is not null)
            .Select(l => (double)l!).ToList();
        Assert.Equal(5, losses.Count);
        Assert.All(losses, l => Assert.True(double.IsFinite(l), $"loss {l}"));
    }
}
