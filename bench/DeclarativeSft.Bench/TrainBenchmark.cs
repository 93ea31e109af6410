namespace DeclarativeSft.Bench;

/// <summary>Training tokens/s and peak memory of our loop (the runtime's model, loss and optimizer on TorchSharp) vs a
/// plain PyTorch loop on the same model shape, batch and threads, alternating rounds in one run (<see cref="TrainStepBenchmark"/>).
/// Options: --shape tiny|small|realistic|qwen-vocab (see <see cref="TrainShape"/>; --preset tiny|small is the same),
/// --batch N, --seq N, --threads N, --warmup N, --steps N, --rounds N, --causal (one example per row instead of packed
/// rows), --same-wait-policy (PyTorch also gets OMP_WAIT_POLICY=PASSIVE). Defaults: the shape's; tiny is the
/// code-assistant recipe's step.</summary>
internal static class TrainBenchmark
{
    public static int Run(string[] args)
    {
        int? Int(string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : null;
        }
        string? Text(string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        var name = Text("--shape") ?? Text("--preset") ?? "tiny";
        if (TrainShape.Named(name) is not { } shape)
        {
            Console.Error.WriteLine($"bench train: unknown shape '{name}'; use one of {string.Join(", ", TrainShape.Names)}");
            return 2;
        }
        var settings = new TrainStepBenchmark.Settings(shape)
        {
            Batch = Int("--batch"),
            Seq = Int("--seq"),
            Threads = Int("--threads") ?? 0,
            Warmup = Int("--warmup"),
            Steps = Int("--steps"),
            Rounds = Int("--rounds"),
            Packed = !args.Contains("--causal"),
            SameWaitPolicy = args.Contains("--same-wait-policy"),
        };
        TrainStepBenchmark.Run(settings, Console.Out);
        return 0;
    }
}
