using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DeclarativeSft.Torch;

namespace DeclarativeSft.Bench;

/// <summary>
/// Binding vs stock PyTorch (/usr/bin/python3, python3-torch) in one run, same thread count, same libtorch kernels:
/// fp32 2048³ matmul GFLOP/s (median of reps after warm-up) and the per-call cost of a tiny op (add of two
/// 16-element tensors, µs/call, median of reps). Last line: matmul_ratio_vs_pytorch=… op_overhead_ratio_vs_pytorch=…
/// Options: --threads N (default: all cores), --size N (2048), --reps N (7), --calls N (200000), --rounds N (3).
/// </summary>
internal static class TorchBenchmark
{
    public static int Run(string[] args)
    {
        int threads = Option(args, "--threads", Environment.ProcessorCount);
        int n = Option(args, "--size", 2048);
        int reps = Option(args, "--reps", 7);
        int calls = Option(args, "--calls", 200_000);
        const int opReps = 5;

        var script = FindScript();
        if (script is null)
        {
            Console.Error.WriteLine("error: bench/torch/pytorch_bench.py not found above " + AppContext.BaseDirectory);
            return 2;
        }
        if (!File.Exists("/usr/bin/python3"))
        {
            Console.Error.WriteLine("error: /usr/bin/python3 not found; install Debian's PyTorch: apt-get install -y python3-torch");
            return 2;
        }

        torch.set_num_threads(threads);
        Console.WriteLine($"binding: {torch.build_info}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {threads} threads, BLAS {SlowBlasCheck.LoadedBlas ?? "unidentified"}, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

        // The machine is shared and noisy: alternate the two sides for several rounds and keep each side's best
        // (highest GFLOP/s, lowest µs/call), so a burst of load during one side's turn does not decide the ratio.
        int rounds = Option(args, "--rounds", 3);
        double oursGflops = 0, pyGflops = 0, oursUs = double.MaxValue, pyUs = double.MaxValue;
        string pyVersion = "?";
        for (int round = 0; round < rounds; round++)
        {
            oursGflops = Math.Max(oursGflops, MatmulGflops(n, reps));
            oursUs = Math.Min(oursUs, OpMicroseconds(calls, opReps));

            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { script, threads.ToString(CultureInfo.InvariantCulture), n.ToString(CultureInfo.InvariantCulture),
                         reps.ToString(CultureInfo.InvariantCulture), calls.ToString(CultureInfo.InvariantCulture), opReps.ToString(CultureInfo.InvariantCulture) })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stderrTask = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEnd();
            var stderr = stderrTask.Result;
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                Console.Error.WriteLine($"error: PyTorch side failed (exit {p.ExitCode}):\n{stderr}");
                return 1;
            }
            using var json = JsonDocument.Parse(stdout.Trim().Split('\n').Last());
            pyGflops = Math.Max(pyGflops, json.RootElement.GetProperty("matmul_gflops").GetDouble());
            pyUs = Math.Min(pyUs, json.RootElement.GetProperty("op_us").GetDouble());
            pyVersion = json.RootElement.GetProperty("torch").GetString() ?? "?";
        }

        Console.WriteLine($"matmul fp32 {n}x{n}x{n}: binding {oursGflops:F1} GFLOP/s, pytorch {pyVersion} {pyGflops:F1} GFLOP/s (best of {rounds} alternating rounds, each the median of {reps})");
        Console.WriteLine($"add of two 16-element tensors: binding {oursUs:F3} us/call, pytorch {pyUs:F3} us/call (best of {rounds} rounds, each the median of {opReps} x {calls} calls)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"matmul_ratio_vs_pytorch={oursGflops / pyGflops:F3} op_overhead_ratio_vs_pytorch={oursUs / pyUs:F3}"));
        return 0;
    }

    private static double MatmulGflops(int n, int reps)
    {
        torch.manual_seed(0);
        using var a = torch.randn(n, n);
        using var b = torch.randn(n, n);
        for (int k = 0; k < 2; k++) a.matmul(b).Dispose();
        var times = new double[reps];
        for (int k = 0; k < reps; k++)
        {
            var sw = Stopwatch.StartNew();
            using (a.matmul(b)) { }
            times[k] = sw.Elapsed.TotalSeconds;
        }
        return 2.0 * n * n * (double)n / Median(times) / 1e9;
    }

    private static double OpMicroseconds(int calls, int reps)
    {
        using var x = torch.ones(16);
        using var y = torch.ones(16);
        for (int k = 0; k < calls / 10; k++) x.add(y).Dispose();
        var perCall = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int k = 0; k < calls; k++)
            {
                using var z = x.add(y);
            }
            perCall[r] = sw.Elapsed.TotalMilliseconds * 1000.0 / calls;
        }
        return Median(perCall);
    }

    private static double Median(double[] values)
    {
        var s = values.OrderBy(v => v).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int v) && v > 0 ? v : fallback;
    }

    private static string? FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "torch", "pytorch_bench.py");
            if (File.Exists(candidate)) return candidate;
        }
        var cwd = Path.Combine(Environment.CurrentDirectory, "bench", "torch", "pytorch_bench.py");
        return File.Exists(cwd) ? cwd : null;
    }
}
