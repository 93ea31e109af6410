using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Training;
using DeclarativeSft.Torch;

namespace DeclarativeSft.Runtime.Benchmarks;

/// <summary>
/// Training throughput of this project's step (model forward, summed cross-entropy over trained tokens, backward,
/// clip, AdamW) against a plain PyTorch loop of the same shape, batch, sequence and thread count — both on
/// libtorch, measured in ONE run. The last line is <c>train_ratio_vs_pytorch=&lt;x&gt;</c> (ours / PyTorch).
/// </summary>
public static class TrainStepBenchmark
{
    /// <summary>Shape and measurement settings.</summary>
    public sealed record Settings(ModelPreset Preset = ModelPreset.Tiny, int Vocab = 300, int Batch = 8, int Seq = 256,
        int Threads = 2, int Warmup = 2, int Steps = 10, string Python = "/usr/bin/python3");

    /// <summary>Runs both loops and prints tokens/s of each and the ratio; returns the ratio.</summary>
    public static double Run(Settings s, TextWriter output)
    {
        torch.set_num_threads(s.Threads);
        var config = ModelPresets.Create(s.Preset, s.Vocab);
        output.WriteLine($"shape: preset {s.Preset.ToString().ToLowerInvariant()} (d={config.HiddenSize}, layers={config.NumHiddenLayers}, heads={config.NumAttentionHeads}, ffn={config.IntermediateSize}, vocab={s.Vocab}), batch {s.Batch}×{s.Seq}, {s.Threads} threads");
        double ours = Ours(config, s);
        output.WriteLine(FormattableString.Invariant($"declarativesft: {ours:0} tokens/s"));
        double reference = PyTorch(config, s);
        output.WriteLine(FormattableString.Invariant($"pytorch:        {reference:0} tokens/s"));
        double ratio = ours / reference;
        output.WriteLine(FormattableString.Invariant($"train_ratio_vs_pytorch={ratio:0.000}"));
        return ratio;
    }

    private static double Ours(LlamaConfig config, Settings s)
    {
        using var model = LlamaForCausalLM.Initialize(config, seed: 0);
        var trainable = TrainableParameters.Configure(model, null, 0);
        using var optimizer = new torch.optim.AdamW(trainable.Trainable.Select(p => p.Tensor).ToList(), lr: 1e-3, weight_decay: 0.0);
        var rng = new Random(1);
        var rows = Enumerable.Range(0, s.Batch).Select(_ =>
        {
            var ids = Enumerable.Range(0, s.Seq).Select(_ => rng.Next(s.Vocab)).ToArray();
            return new PackedRow(ids, ids, Enumerable.Range(0, s.Seq).ToArray(), new int[s.Seq]);
        }).ToList();
        var batch = TrainingBatch.From(rows, Device.CPU);
        var ctx = new ForwardContext(Training: true);
        var parameters = trainable.Trainable.Select(p => p.Tensor).ToList();
        void Step()
        {
            CausalLmLoss.ForwardBackward(model, batch, batch.TrainedTokens, ctx, false, 0, null);
            torch.nn.utils.clip_grad_norm_(parameters, 1.0);
            optimizer.step();
            optimizer.zero_grad();
        }
        for (int i = 0; i < s.Warmup; i++) Step();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < s.Steps; i++) Step();
        return (double)s.Batch * s.Seq * s.Steps / sw.Elapsed.TotalSeconds;
    }

    private static double PyTorch(LlamaConfig c, Settings s)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Benchmarks", "pytorch_train_step.py");
        if (!File.Exists(s.Python)) throw new FileNotFoundException($"{s.Python} not found: the benchmark's PyTorch side needs Debian's python3-torch.");
        var args = JsonSerializer.Serialize(new { d = c.HiddenSize, layers = c.NumHiddenLayers, heads = c.NumAttentionHeads, ffn = c.IntermediateSize, vocab = s.Vocab, seq = s.Seq, batch = s.Batch, threads = s.Threads, warmup = s.Warmup, steps = s.Steps });
        var psi = new ProcessStartInfo(s.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(args);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var outText = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"PyTorch benchmark failed: {err.Result}");
        return JsonDocument.Parse(outText).RootElement.GetProperty("tokens_per_s").GetDouble();
    }
}
