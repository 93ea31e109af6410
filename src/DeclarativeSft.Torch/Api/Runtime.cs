using System.Diagnostics;
using DeclarativeSft.Torch.Interop;

namespace DeclarativeSft.Torch;

/// <summary>One-time process set-up on first use: all cores for intra-op parallelism (libtorch starts with
/// one thread here), the caching CPU allocator (see <see cref="torch.cpu"/>) and a check that BLAS is not the
/// reference implementation.</summary>
internal static class Runtime
{
    private static int initialized;

    /// <summary>Set DSFT_TORCH_SKIP_BLAS_CHECK=1 to skip the start-up matmul timing.</summary>
    internal static void EnsureInitialized()
    {
        if (Volatile.Read(ref initialized) != 0 || Interlocked.Exchange(ref initialized, 1) != 0) return;
        NativeMethods.Check(NativeMethods.dsft_set_num_threads(Environment.ProcessorCount));
        NativeMethods.Check(NativeMethods.dsft_cpu_allocator_configure(torch.cpu.DefaultCacheLimitBytes()));
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

    /// <summary>True when the loaded BLAS is the reference one or the probe found it slow.</summary>
    public static bool IsSlow => MeasuredGflops < SlowGflops;

    /// <summary>The BLAS library mapped into this process (from /proc/self/maps), or null when none is visible.</summary>
    public static string? LoadedBlas { get; private set; }

    internal static void WarnIfSlow()
    {
        // Ask the loader first: the mapped libblas path names the implementation, and a timing on a shared,
        // busy machine can mislead. Time a matmul only when the backend cannot be identified.
        LoadedBlas = MappedBlas();
        if (LoadedBlas is not null)
        {
            bool optimized = LoadedBlas.Contains("openblas", StringComparison.OrdinalIgnoreCase) ||
                             LoadedBlas.Contains("mkl", StringComparison.OrdinalIgnoreCase) ||
                             LoadedBlas.Contains("blis", StringComparison.OrdinalIgnoreCase) ||
                             LoadedBlas.Contains("atlas", StringComparison.OrdinalIgnoreCase);
            if (optimized) return;
            if (LoadedBlas.Contains("/blas/libblas", StringComparison.Ordinal))
            {
                MeasuredGflops = 0;
                Warn($"libtorch uses the reference BLAS ({LoadedBlas})");
                return;
            }
        }
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
        if (IsSlow) Warn($"libtorch's BLAS is slow ({MeasuredGflops:F1} GFLOP/s on a 256x256 matmul), probably the reference BLAS");
    }

    private static void Warn(string what) =>
        Console.Error.WriteLine($"warning: {what}; matmuls run ~90x slower. Install OpenBLAS: sudo apt-get install libopenblas0-openmp");

    private static string? MappedBlas()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash < 0) continue;
                var path = line[slash..];
                var file = Path.GetFileName(path);
                if (file.StartsWith("libblas.so", StringComparison.Ordinal) || file.StartsWith("libopenblas", StringComparison.Ordinal) ||
                    file.StartsWith("libmkl_rt", StringComparison.Ordinal))
                    return path;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}
