using DeclarativeSft.Recipes;

namespace DeclarativeSft.Bench;

/// <summary>Training tokens/s of our loop (the runtime's model, loss and optimizer on TorchSharp) vs a plain PyTorch
/// loop on the same model shape, batch and threads, alternating rounds in one run (<see cref="TrainStepBenchmark"/>).
/// Options: --preset tiny|small, --batch N, --seq N, --threads N, --warmup N, --steps N, --rounds N, --causal
/// (one example per row instead of packed rows), --same-wait-policy (PyTorch also gets OMP_WAIT_POLICY=PASSIVE). Defaults: the code-assistant recipe's step.</summary>
internal static class TrainBenchmark
{
    public static int Run(string[] args)
    {
        var d = new TrainStepBenchmark.Settings();
        int Int(string name, int fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
        }
        int p = Array.IndexOf(args, "--preset");
        var preset = p >= 0 && p + 1 < args.Length && args[p + 1] == "small" ? ModelPreset.Small : ModelPreset.Tiny;
        var settings = d with
        {
            Preset = preset,
            Batch = Int("--batch", d.Batch),
            Seq = Int("--seq", d.Seq),
            Threads = Int("--threads", d.Threads),
            Warmup = Int("--warmup", d.Warmup),
            Steps = Int("--steps", d.Steps),
            Rounds = Int("--rounds", d.Rounds),
            Packed = !args.Contains("--causal"),
            SameWaitPolicy = args.Contains("--same-wait-policy"),
        };
        TrainStepBenchmark.Run(settings, Console.Out);
        return 0;
    }
}
