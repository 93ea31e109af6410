using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Benchmarks;

namespace DeclarativeSft.Bench;

/// <summary>Training tokens/s of our loop vs a plain PyTorch loop on the same model shape, one run
/// (the measurement lives in the runtime so `sft benchmark` runs the same code). Options: --preset tiny|small.</summary>
internal static class TrainBenchmark
{
    public static int Run(string[] args)
    {
        int i = Array.IndexOf(args, "--preset");
        var preset = i >= 0 && i + 1 < args.Length && args[i + 1] == "small" ? ModelPreset.Small : ModelPreset.Tiny;
        TrainStepBenchmark.Run(new TrainStepBenchmark.Settings(preset), Console.Out);
        return 0;
    }
}
