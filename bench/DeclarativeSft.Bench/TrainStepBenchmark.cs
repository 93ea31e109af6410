using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DeclarativeSft.Data;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Training;
using DeclarativeSft.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeclarativeSft.Bench;

/// <summary>
/// Training throughput of this project's optimizer step (the runtime's model, loss and AdamW on TorchSharp/libtorch
/// 2.10) against a plain PyTorch loop (bench/torch/pytorch_train_step.py, Debian's PyTorch 1.13) doing the same work
/// — batch tensors and mask from the same rows, the same Llama shape, summed cross-entropy over trained tokens,
/// backward, clip_grad_norm_, two-group AdamW — with the same thread count, measured in ONE run. Attention: ours is
/// the runtime's (libtorch's fused scaled_dot_product_attention, per packed example for block-causal rows), PyTorch
/// 1.13's the written-out composition over the full masked square. The machine is shared, so the two sides
/// alternate for several rounds (each round: warm-up steps, then timed steps) and each side keeps its best round: a
/// load burst then slows a round of one side without deciding the ratio. The very first step of each side (JIT, first allocations) is run and reported
/// separately, before round 1's warm-up. Each side runs in its own process (ours in this one, PyTorch in a child), so
/// each process's peak resident set (VmHWM) is that side's. The last line is
/// <c>train_tokens_per_s_ratio_vs_pytorch=&lt;x&gt; mfu=&lt;y&gt; peak_rss_ratio_vs_pytorch=&lt;z&gt;</c> (ours / PyTorch
/// tokens/s; our model FLOPs over the measured matmul peak; our peak RSS / PyTorch's).
/// </summary>
internal static class TrainStepBenchmark
{
    /// <summary>Shape and measurement settings. The default shape is the shipped code-assistant recipe's step: tiny
    /// preset, byte vocabulary, micro-batch 8 of packed rows of 512 tokens (block-causal attention). Null batch, seq,
    /// warm-up, steps and rounds take the shape's (<see cref="TrainShape"/>).</summary>
    /// <param name="Threads">libtorch intra-op threads on both sides; 0 means <see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="Warmup">Untimed steps at the start of every round (after the separately reported first step).</param>
    /// <param name="Steps">Timed steps per round.</param>
    /// <param name="Rounds">Alternations of the two sides; each keeps its best round.</param>
    /// <param name="SameWaitPolicy">Also give the PyTorch process our OpenMP wait policy (OMP_WAIT_POLICY=PASSIVE),
    /// to compare the loops alone without the threading default this library sets.</param>
    /// <param name="Packed">Rows packed with several examples (block-causal mask) as SFT packing makes them; false:
    /// one example filling each row (plain causal attention).</param>
    public sealed record Settings(TrainShape Shape, int? Batch = null, int? Seq = null,
        int Threads = 0, int? Warmup = null, int? Steps = null, int? Rounds = null, bool Packed = true, string Python = "/usr/bin/python3",
        bool SameWaitPolicy = false);

    /// <summary>Runs both loops and prints tokens/s of each and the ratio; returns the ratio.</summary>
    public static double Run(Settings s, TextWriter output)
    {
        int threads = s.Threads > 0 ? s.Threads : Environment.ProcessorCount;
        var shape = s.Shape;
        int warmup = Math.Max(0, s.Warmup ?? shape.Warmup), steps = Math.Max(1, s.Steps ?? shape.Steps), rounds = Math.Max(1, s.Rounds ?? shape.Rounds);
        int batchSize = s.Batch ?? shape.Batch, seq = s.Seq ?? shape.Seq;
        TorchRuntime.EnsureInitialized();
        torch.set_num_threads(threads);
        var config = shape.Config;
        var rows = MakeRows(shape, batchSize, seq, s.Packed);
        double trainedShare = TrainedTargets(rows) / (double)(rows.Count * (seq - 1));
        output.WriteLine(FormattableString.Invariant(
            $"shape: {shape.Name} (d={config.HiddenSize}, layers={config.NumHiddenLayers}, heads={config.NumAttentionHeads}/{config.NumKeyValueHeads} kv, ffn={config.IntermediateSize}, vocab={config.VocabSize}, tied head), batch {batchSize}×{seq} {(s.Packed ? $"packed (block-causal), examples of {shape.MinExample}–{shape.MaxExample} tokens, {shape.PromptPercent} % prompt" : "one example per row (causal)")}; {trainedShare:P1} of the targets trained; {threads} threads"));
        output.WriteLine($"declarativesft: {TorchRuntime.Description}");
        output.WriteLine($"threads wait: declarativesft {Describe(TorchRuntime.OpenMpWaitPolicy)}; pytorch {Describe(s.SameWaitPolicy ? $"OMP_WAIT_POLICY={OpenMpPassive}" : Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is { Length: > 0 } userPolicy ? $"OMP_WAIT_POLICY={userPolicy}" : "")}");
        output.WriteLine(FormattableString.Invariant($"rounds: {rounds} × ({warmup} warm-up + {steps} timed steps) per side, alternating; best round kept; load average {LoadAverage()}"));

        using var ours = new OurLoop(config, rows);
        using var reference = PyTorchLoop.Start(config, rows, threads, s.Python, s.SameWaitPolicy ? OpenMpPassive : null);
        double bestOurs = 0, bestRef = 0, peak = 0;
        for (int r = 1; r <= rounds; r++)
        {
            double o = ours.Round(warmup, steps, rows);
            peak = Math.Max(peak, MatmulPeakGflops()); // every round, next to our steps: the best is the least disturbed
            double p = reference.Round(warmup, steps);
            bestOurs = Math.Max(bestOurs, o);
            bestRef = Math.Max(bestRef, p);
            output.WriteLine(FormattableString.Invariant($"round {r}: declarativesft {o:0} tokens/s, pytorch {p:0} tokens/s (load {LoadAverage()})"));
        }
        output.WriteLine(FormattableString.Invariant($"declarativesft: {bestOurs:0} tokens/s (best of {rounds})"));
        output.WriteLine(FormattableString.Invariant($"pytorch:        {bestRef:0} tokens/s (best of {rounds}; torch {reference.TorchVersion})"));
        double oursPeakMiB = PeakRssMiB(), refPeakMiB = reference.PeakRssMiB;
        output.WriteLine(FormattableString.Invariant($"peak RSS (VmHWM of each side's process): declarativesft {oursPeakMiB:0} MiB, pytorch {refPeakMiB:0} MiB"));
        output.WriteLine(FormattableString.Invariant($"first step (cold: JIT, allocator, libtorch warm-up): declarativesft {ours.FirstStepSeconds:0.00} s, pytorch {reference.FirstStepSeconds:0.00} s"));
        double flopsPerToken = TrainingFlopsPerToken(config, rows);
        double mfu = bestOurs * flopsPerToken / (peak * 1e9);
        output.WriteLine(FormattableString.Invariant(
            $"model FLOPs utilisation {mfu:0.000}: declarativesft {bestOurs * flopsPerToken / 1e9:0.0} GFLOP/s of model FLOPs, 6·N_layers + 6·V·d·trained share + 12·L·d·T_example = {flopsPerToken / 1e6:0.00} MFLOP/token; measured fp32 1024³ matmul peak {peak:0.0} GFLOP/s (best of the rounds)"));
        double ratio = bestOurs / bestRef;
        output.WriteLine(FormattableString.Invariant($"train_tokens_per_s_ratio_vs_pytorch={ratio:0.000} mfu={mfu:0.000} peak_rss_ratio_vs_pytorch={oursPeakMiB / refPeakMiB:0.000}"));
        return ratio;
    }

    /// <summary>Model training FLOPs per row position in the PaLM convention: 6 per matmul parameter of the layers
    /// (embedding lookup not), 6 per output-head parameter at positions whose target is trained (the logits of prompt
    /// and padding positions are not needed by the objective, so computing them earns no credit), plus 12·layers·d per
    /// context token for attention scores and values, where the context of a token is its own example (Σ n² over the
    /// rows' examples / all positions): the masked-out blocks between packed examples are not model FLOPs either.</summary>
    internal static double TrainingFlopsPerToken(LlamaConfig c, IReadOnlyList<PackedRow> rows)
    {
        double d = c.HiddenSize, q = (double)c.NumAttentionHeads * c.HeadDim, kv = (double)c.NumKeyValueHeads * c.HeadDim;
        double perLayer = d * q + 2 * d * kv + q * d + 3 * d * c.IntermediateSize;
        double squares = 0, positions = 0;
        foreach (var row in rows)
        {
            positions += row.Length;
            for (int start = 0; start < row.Length;)
            {
                int end = start + 1;
                while (end < row.Length && row.SegmentIds[end] == row.SegmentIds[start]) end++;
                if (row.SegmentIds[start] >= 0) squares += (double)(end - start) * (end - start);
                start = end;
            }
        }
        double headParams = (double)c.VocabSize * d * (TrainedTargets(rows) / positions);
        return 6 * (c.NumHiddenLayers * perLayer + headParams) + 12.0 * c.NumHiddenLayers * q * (squares / positions);
    }

    /// <summary>Targets that carry loss, counted as <see cref="TrainingBatch.From"/> does (the next token's label,
    /// ignored across an example boundary).</summary>
    private static long TrainedTargets(IReadOnlyList<PackedRow> rows)
    {
        long n = 0;
        foreach (var r in rows)
            for (int t = 0; t + 1 < r.Length; t++)
                if (r.Labels[t + 1] != Labels.IgnoreIndex && r.SegmentIds[t + 1] == r.SegmentIds[t] && r.SegmentIds[t] >= 0) n++;
        return n;
    }

    /// <summary>Peak resident set of this process (VmHWM), MiB; NaN off Linux.</summary>
    private static double PeakRssMiB()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException) { return double.NaN; }
        catch (UnauthorizedAccessException) { return double.NaN; }
    }

    /// <summary>GFLOP/s of the best of five fp32 1024³ matmuls through this binding, with the benchmark's threads.</summary>
    private static double MatmulPeakGflops()
    {
        using var scope = torch.NewDisposeScope();
        const long n = 1024;
        var a = torch.randn(n, n);
        var b = torch.randn(n, n);
        a.matmul(b).Dispose();
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            a.matmul(b).Dispose();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return 2.0 * n * n * n / best / 1e9;
    }

    /// <summary>
    /// Rows of packed examples of the shape's lengths (a prompt that carries no loss, then a trained answer), each
    /// row ending in padding or, with <see cref="TrainShape.FillRows"/>, filled by cutting its last example; or one
    /// fully trained example per row.
    /// </summary>
    internal static List<PackedRow> MakeRows(TrainShape shape, int batch, int seq, bool packed)
    {
        int vocab = shape.Config.VocabSize;
        var rng = new Random(1);
        var rows = new List<PackedRow>();
        for (int b = 0; b < batch; b++)
        {
            var ids = new int[seq];
            var labels = new int[seq];
            var pos = new int[seq];
            var segs = new int[seq];
            int t = 0, segment = 0;
            while (t < seq)
            {
                int len = packed ? rng.Next(shape.MinExample, shape.MaxExample + 1) : seq;
                if (t + len > seq)
                {
                    if (t == 0 || shape.FillRows) len = seq - t; // an example longer than the rest of the row fills it
                    else break;
                }
                int prompt = packed ? len * shape.PromptPercent / 100 : 0;
                for (int k = 0; k < len; k++)
                {
                    ids[t + k] = rng.Next(vocab);
                    labels[t + k] = k < prompt ? Labels.IgnoreIndex : ids[t + k];
                    pos[t + k] = k;
                    segs[t + k] = segment;
                }
                t += len;
                segment++;
            }
            for (; t < seq; t++) { ids[t] = 0; labels[t] = Labels.IgnoreIndex; pos[t] = 0; segs[t] = -1; }
            rows.Add(new PackedRow(ids, labels, pos, segs));
        }
        return rows;
    }

    private const string OpenMpPassive = "PASSIVE";

    private static string Describe(string policy) => policy.Length > 0 ? policy : "libgomp default (spin, then sleep)";

    /// <summary>1-minute load average of the machine (how busy the shared cores were), or "?" off Linux.</summary>
    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
        catch (UnauthorizedAccessException) { return "?"; }
    }

    /// <summary>Our step exactly as <see cref="Trainer"/> runs it (one micro-batch, no accumulation).</summary>
    private sealed class OurLoop : IDisposable
    {
        private readonly LlamaForCausalLM _model;
        private readonly AdamW _optimizer;
        private readonly List<Parameter> _parameters;
        private readonly ForwardContext _ctx;
        private readonly Generator _dropout = new(1);

        public OurLoop(LlamaConfig config, List<PackedRow> rows)
        {
            _model = LlamaForCausalLM.Initialize(config, seed: 0);
            var trainable = TrainableParameters.Configure(_model, null, 0).Trainable;
            _parameters = trainable.Select(p => p.Tensor).ToList();
            _optimizer = AdamWState.Create(_parameters, 1e-3, 0.0); // the trainer's two groups (matrices, norm scales)
            _ctx = new ForwardContext(Training: true, AdaptersEnabled: true, DropoutGenerator: _dropout);
        }

        /// <summary>Seconds of the very first step (JIT compilation, first allocations).</summary>
        public double FirstStepSeconds { get; private set; } = double.NaN;

        public double Round(int warmup, int steps, List<PackedRow> rows)
        {
            if (double.IsNaN(FirstStepSeconds))
            {
                var first = Stopwatch.StartNew();
                Step(rows);
                FirstStepSeconds = first.Elapsed.TotalSeconds;
            }
            for (int i = 0; i < warmup; i++) Step(rows);
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) Step(rows);
            return (double)rows.Count * rows[0].Length * steps / sw.Elapsed.TotalSeconds;
        }

        private void Step(List<PackedRow> rows)
        {
            _optimizer.SetLearningRate(1e-3);
            var batch = TrainingBatch.From(rows, _model.Device);
            CausalLmLoss.ForwardBackward(_model, batch, batch.TrainedTokens, _ctx, false, 0, null);
            torch.nn.utils.clip_grad_norm_(_parameters, 1.0);
            _optimizer.step();
            _optimizer.ZeroGradToNone();
            batch.DisposeTensors();
        }

        public void Dispose()
        {
            _optimizer.Dispose();
            _model.Dispose();
            _dropout.Dispose();
        }
    }

    /// <summary>The reference loop in a long-lived python3 process, driven one round at a time over stdin.</summary>
    private sealed class PyTorchLoop : IDisposable
    {
        private readonly Process _process;
        private readonly string _setupFile;
        private readonly Task<string> _stderr;

        private PyTorchLoop(Process process, string setupFile)
        {
            _process = process;
            _setupFile = setupFile;
            _stderr = process.StandardError.ReadToEndAsync();
        }

        public static PyTorchLoop Start(LlamaConfig c, List<PackedRow> rows, int threads, string python, string? waitPolicy)
        {
            var script = Path.Combine(AppContext.BaseDirectory, "pytorch_train_step.py");
            if (!File.Exists(python)) throw new FileNotFoundException($"{python} not found: the benchmark's PyTorch side needs Debian's python3-torch (apt-get update && apt-get install -y python3-torch).");
            if (!File.Exists(script)) throw new FileNotFoundException($"{script} not found: the build copies bench/torch/pytorch_train_step.py next to the bench assembly.");
            var setup = JsonSerializer.Serialize(new
            {
                d = c.HiddenSize, layers = c.NumHiddenLayers, heads = c.NumAttentionHeads, kv_heads = c.NumKeyValueHeads, ffn = c.IntermediateSize,
                vocab = c.VocabSize, eps = c.RmsNormEps, theta = c.RopeTheta, threads,
                rows = new
                {
                    ids = rows.Select(r => r.InputIds), labels = rows.Select(r => r.Labels),
                    positions = rows.Select(r => r.PositionIds), segments = rows.Select(r => r.SegmentIds),
                },
            });
            var setupFile = Path.Combine(Path.GetTempPath(), $"dsft-train-bench-{Environment.ProcessId}.json");
            File.WriteAllText(setupFile, setup);
            var psi = new ProcessStartInfo(python)
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            if (waitPolicy is not null) psi.Environment["OMP_WAIT_POLICY"] = waitPolicy;
            psi.ArgumentList.Add(script);
            psi.ArgumentList.Add(setupFile);
            var loop = new PyTorchLoop(Process.Start(psi)!, setupFile);
            loop.TorchVersion = loop.ReadReply("torch").GetString() ?? "?";
            return loop;
        }

        /// <summary>torch.__version__ of the reference process.</summary>
        public string TorchVersion { get; private set; } = "?";

        /// <summary>Seconds of the PyTorch loop's very first step.</summary>
        public double FirstStepSeconds { get; private set; } = double.NaN;

        /// <summary>Peak resident set of the PyTorch process (its VmHWM after the latest round), MiB.</summary>
        public double PeakRssMiB { get; private set; } = double.NaN;

        public double Round(int warmup, int steps)
        {
            if (double.IsNaN(FirstStepSeconds))
            {
                _process.StandardInput.WriteLine("first");
                _process.StandardInput.Flush();
                FirstStepSeconds = ReadReply("seconds").GetDouble();
            }
            _process.StandardInput.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {warmup} {steps}"));
            _process.StandardInput.Flush();
            var reply = ReadReply();
            PeakRssMiB = reply.GetProperty("peak_rss_kib").GetDouble() / 1024.0;
            return reply.GetProperty("tokens_per_s").GetDouble();
        }

        private JsonElement ReadReply(string key) => ReadReply().GetProperty(key);

        private JsonElement ReadReply()
        {
            var line = _process.StandardOutput.ReadLine();
            if (line is null)
            {
                _process.WaitForExit();
                throw new InvalidOperationException($"the PyTorch benchmark process exited ({_process.ExitCode}): {_stderr.Result}");
            }
            return JsonDocument.Parse(line).RootElement;
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.StandardInput.WriteLine("quit");
                    _process.StandardInput.Close();
                    if (!_process.WaitForExit(10_000)) _process.Kill();
                }
            }
            finally
            {
                _process.Dispose();
                File.Delete(_setupFile);
            }
        }
    }
}
