using System.CommandLine;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Benchmarks;

namespace DeclarativeSft.Cli.Commands;

/// <summary><c>sft benchmark [--preset tiny|small] [--batch N] [--seq N] [--threads N] [--steps N]</c>: training
/// tokens/s of our loop vs a plain PyTorch loop, one run; last line <c>train_ratio_vs_pytorch=&lt;x&gt;</c>.</summary>
internal static class BenchmarkCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { DefaultValueFactory = _ => "tiny", Description = "tiny | small" };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 8 };
        var seq = new Option<int>("--seq") { DefaultValueFactory = _ => 256 };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => Environment.ProcessorCount };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 10 };
        var command = new Command("benchmark", "Training tokens/s of DeclarativeSft vs plain PyTorch on the same shape (ratio on the last line)") { preset, batch, seq, threads, steps };
        command.SetAction(parse =>
        {
            var p = parse.GetValue(preset) == "small" ? ModelPreset.Small : ModelPreset.Tiny;
            TrainStepBenchmark.Run(new TrainStepBenchmark.Settings(p, 300, parse.GetValue(batch), parse.GetValue(seq), parse.GetValue(threads), 2, parse.GetValue(steps)), Console.Out);
            return 0;
        });
        return command;
    }
}
