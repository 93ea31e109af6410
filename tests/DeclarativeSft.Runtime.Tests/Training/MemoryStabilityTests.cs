using System.Diagnostics;
using System.Globalization;
using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Lora;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Training;
using TorchSharp;

namespace DeclarativeSft.Runtime.Tests.Training;

/// <summary>
/// TorchSharp frees a tensor only when it is disposed (or, much later, finalized), so one temporary left outside a
/// dispose scope in the training loop grows the process by its size every step. A run of the tiny preset is trained
/// for a few hundred steps in a child process (alone, so nothing else moves its memory), with evaluations and
/// checkpoints on the way; after a warm-up
///   - the number of live tensors on the training thread (TorchSharp's own count of created minus disposed) must not
///     change at all: an undisposed tensor fails this even when a later GC would finalize it;
///   - the resident set, measured after a full GC (managed garbage such as checkpoint write buffers is not a leak),
///     must stay within a bound far below what one leaked activation per step would add: this catches native memory
///     that no tensor handle accounts for (gradients or autograd graphs kept alive, optimizer state duplicated).
/// </summary>
public class MemoryStabilityTests
{
    /// <summary>Steps whose samples form the baseline: past the first evaluations (every 50 steps) and the first
    /// checkpoint (step 100), after which the allocator's caches, the optimizer state and the GC heap have settled.</summary>
    public static readonly int[] BaselineSteps = [150, 200];
    /// <summary>Last step of the run.</summary>
    public const int TotalSteps = 400;
    /// <summary>Rows of a micro-batch and their length: one (B, T, C) activation is 4·64·128·4 B = 128 KiB.</summary>
    public const int Micro = 4, RowLength = 64;
    /// <summary>Allowed resident-set growth from the baseline (the larger of its samples) to the last step. One leaked
    /// activation per step would add 200 × 128 KiB = 25 MiB. Measured without leaks: within ±9 MiB (glibc keeps and
    /// reuses freed blocks, so the resident set wobbles around a plateau).</summary>
    public const long MaxGrowthBytes = 12L << 20;

    [Theory]
    [InlineData("full")]
    [InlineData("lora")]
    public async Task LiveTensorsAndResidentSetStayFlatOverHundredsOfSteps(string mode)
    {
        using var dir = new TempDir();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { typeof(MemoryStabilityTests).Assembly.Location, "memory-child", dir["out"], mode }) psi.ArgumentList.Add(a);
        using var child = Process.Start(psi)!;
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEnd();
        Assert.True(child.WaitForExit(600_000), "memory child did not finish");
        Assert.True(child.ExitCode == 0, $"memory child exited {child.ExitCode}:\n{stdout}\n{await stderr}");

        var samples = stdout.Split('\n').Where(l => l.StartsWith("memory ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).ToDictionary(p => int.Parse(p[1], CultureInfo.InvariantCulture),
                p => (Rss: long.Parse(p[2], CultureInfo.InvariantCulture), Live: long.Parse(p[3], CultureInfo.InvariantCulture)));
        Assert.True(BaselineSteps.All(samples.ContainsKey) && samples.ContainsKey(TotalSteps), "missing samples:\n" + stdout);
        var table = string.Join("\n", samples.OrderBy(s => s.Key).Select(s => $"step {s.Key}: rss {s.Value.Rss / 1048576.0:0.0} MiB, live tensors {s.Value.Live}"));
        var baseline = (Rss: BaselineSteps.Max(s => samples[s].Rss), Live: samples[BaselineSteps[0]].Live);
        var last = samples[TotalSteps];
        Assert.True(samples.Where(s => s.Key >= 50).All(s => s.Value.Live == baseline.Live),
            $"{mode}: the number of live tensors changes between steps: a tensor of the loop is not disposed\n{table}");
        // Exact: every step ends with the same tensors alive (parameters, optimizer state, generators' nothing).
        Assert.True(last.Live == baseline.Live, $"{mode}: live tensors went from {baseline.Live} to {last.Live}: a tensor of the loop is not disposed\n{table}");
        Assert.True(last.Rss - baseline.Rss < MaxGrowthBytes,
            $"{mode}: resident set grew by {(last.Rss - baseline.Rss) / 1048576.0:0.0} MiB over {TotalSteps - BaselineSteps[^1]} steps (bound {MaxGrowthBytes >> 20} MiB)\n{table}");
    }

    /// <summary>The child's side: trains the tiny preset and prints "memory STEP RSS LIVE" every 50 steps.</summary>
    internal static void RunChild(string outDir, string mode)
    {
        torch.set_num_threads(1);
        var config = ModelPresets.Create(ModelPreset.Tiny, vocabSize: 61);
        using var model = LlamaForCausalLM.Initialize(config, seed: 3);
        LoraSpec? lora = mode == "lora"
            ? new LoraSpec(8, 16, 0.1, ModelModules.AllLinear, false, ModelModules.None)
            : null;
        if (lora is not null) LoraInjector.Apply(model, lora, seed: 4);
        var trainable = TrainableParameters.Configure(model, lora, 0);
        var options = new TrainerOptions
        {
            OutputDir = outDir, Epochs = 1000, MaxSteps = TotalSteps, GradientAccumulationSteps = 2, LearningRate = 1e-3,
            WarmupSteps = 10, WeightDecay = 0.01, MaxGradNorm = 1.0, Seed = 7,
            EvalEverySteps = 50, CheckpointEverySteps = 100,
            // The LoRA run takes every other path of the loop: dropout masks, both regularizers, per-layer recompute.
            GradientCheckpointing = lora is not null, KlToBase = lora is not null ? 0.1 : 0, L2ToBase = lora is not null ? 0.01 : 0,
        };
        var rows = Rows(24, seed: 5, config.VocabSize);
        var trainer = new Trainer(model, trainable, options, new EpochBatcher(rows, Micro, 6), Rows(4, 9, config.VocabSize), Micro, null, new Sampler());
        trainer.Run();
    }

    private sealed class Sampler : ITrainingProgress
    {
        public void Step(int step, int totalSteps, double loss, double lr, double tokensPerSecond, TimeSpan eta)
        {
            if (step % 50 != 0) return;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            long rss = Environment.WorkingSet; // VmRSS on Linux
            Console.WriteLine(FormattableString.Invariant($"memory {step} {rss} {DisposeScopeManager.Statistics.ThreadTotalLiveCount}"));
        }

        public void Message(string text) { }
    }

    /// <summary>Rows of <see cref="RowLength"/> tokens, each two packed examples (prompt masked) and some padding.</summary>
    private static List<PackedRow> Rows(int count, int seed, int vocab)
    {
        var rng = new Random(seed);
        var rows = new List<PackedRow>();
        for (int r = 0; r < count; r++)
        {
            var ids = new int[RowLength]; var labels = new int[RowLength]; var pos = new int[RowLength]; var seg = new int[RowLength];
            int first = rng.Next(20, 36), second = rng.Next(16, RowLength - first - 2);
            for (int t = 0; t < RowLength; t++)
            {
                int s = t < first ? 0 : t < first + second ? 1 : -1;
                int start = s == 0 ? 0 : first;
                ids[t] = s < 0 ? 0 : rng.Next(1, vocab);
                pos[t] = s < 0 ? 0 : t - start;
                seg[t] = s;
                labels[t] = s >= 0 && t - start >= 6 ? ids[t] : Labels.IgnoreIndex;
            }
            rows.Add(new PackedRow(ids, labels, pos, seg));
        }
        return rows;
    }
}
