using System.Diagnostics;
using DeclarativeSft.Torch.Interop;

namespace DeclarativeSft.Torch;

/// <summary>One-time process set-up on first use: all cores for intra-op parallelism (libtorch starts with
/// one thread here) and a check that BLAS is not the reference implementation.</summary>
internal static class Runtime
{
    private static int initialized;

    /// <summary>Set DSFT_TORCH_SKIP_BLAS_CHECK=1 to skip the start-up matmul timing.</summary>
    internal static void EnsureInitialized()
    {
        if (Volatile.Read(ref initialized) != 0 || Interlocked.Exchange(ref initialized, 1) != 0) return;
        NativeMethods.Check(NativeMethods.dsft_set_num_threads(Environment.ProcessorCount));
        if (Environment.GetEnvironmentVariable("DSFT_TORCH_SKIP_BLAS_CHECK") != "1") SlowBlasCheck.WarnIfSlow();
    }
}

/// <summary>Detects reference BLAS (Debian's libtorch links libblas.so.3, which is the ~90x slower reference
/// implementation unless OpenBLAS is installed as its alternative).</summary>
public static class SlowBlasCheck
{
    /// <summary>GFLOP/s of a 256³ fp32 matmul below which BLAS counts as slow. Reference BLAS reaches
    /// ~1-2 GFLOP/s; OpenBLAS on one core of an old CPU reaches &gt; 20.</summary>
    public const double SlowGflops = 5.0;

    /// <summary>Measured GFLOP/s of the start-up probe (NaN before it ran).</summary>
    public static double MeasuredGflops { get; private set; } = double.NaN;

    /// <summary>True when the probe found BLAS slow.</summary>
    public static bool IsSlow => MeasuredGflops < SlowGflops;

    internal static void WarnIfSlow()
    {
        const long n = 256;
        using var a = torch.ones(new[] { n, n });
        using var b = torch.ones(new[] { n, n });
        double best = double.MaxValue;
        for (int rep = 0; rep < 3; rep++)
        {
            var sw = Stopwatch.StartNew();
            using (a.matmul(b)) { }
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        MeasuredGflops = 2.0 * n * n * n / best / 1e9;
        if (IsSlow)
        {
            Console.Error.WriteLine(
                $"warning: libtorch's BLAS is slow ({MeasuredGflops:F1} GFLOP/s on a 256x256 matmul): it is probably the reference BLAS. " +
                "Install OpenBLAS: sudo apt-get install libopenblas0-openmp");
        }
    }
}
