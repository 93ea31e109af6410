using System.Runtime.InteropServices;

namespace DeclarativeSft.Torch;

/// <summary>
/// Makes libtorch's OpenMP worker threads sleep instead of spin while they wait for work, unless the user chose a
/// policy (OMP_WAIT_POLICY or GOMP_SPINCOUNT set). libgomp's default spins each idle worker for up to ~300k pause
/// instructions (milliseconds) between parallel regions; on a busy machine — a shared CI runner, a laptop with a
/// browser open — a spinning worker burns the core its partner needs and perf showed ~60% of a training step's CPU
/// time inside that spin loop, for a 3–5× lower throughput than with sleeping workers. On an idle machine the cost
/// of sleeping is a futex wake per parallel region (microseconds against milliseconds of work per op here).
/// </summary>
internal static class OpenMpWaitPolicy
{
    /// <summary>The value this library sets when the user set nothing.</summary>
    public const string Default = "PASSIVE";

    /// <summary>The policy in effect for this process: the user's variable, or the default this library set.</summary>
    public static string Effective { get; private set; } = "";

    /// <summary>Sets OMP_WAIT_POLICY in the C environment before libgomp loads (it reads its settings once, when it is
    /// loaded with libtorch). Must run before the first call into the native library.</summary>
    internal static void Apply()
    {
        var policy = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");
        var spin = Environment.GetEnvironmentVariable("GOMP_SPINCOUNT");
        if (!string.IsNullOrEmpty(policy) || !string.IsNullOrEmpty(spin))
        {
            Effective = !string.IsNullOrEmpty(policy) ? $"OMP_WAIT_POLICY={policy} (user)" : $"GOMP_SPINCOUNT={spin} (user)";
            return;
        }
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD()) return;
        // .NET keeps its own copy of the environment on Unix; libgomp reads the C one, so set it there. Child
        // processes started with System.Diagnostics.Process do not inherit it (they get .NET's copy).
        foreach (var libc in new[] { "libc.so.6", "libc.so", "libc.dylib", "libc" })
        {
            if (!NativeLibrary.TryLoad(libc, out var handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, "setenv", out var setenv)) continue;
            if (SetEnv(setenv, "OMP_WAIT_POLICY", Default)) Effective = $"OMP_WAIT_POLICY={Default} (DeclarativeSft default)";
            return;
        }
    }

    private static unsafe bool SetEnv(IntPtr setenv, string name, string value)
    {
        var fn = (delegate* unmanaged<byte*, byte*, int, int>)setenv;
        var n = System.Text.Encoding.UTF8.GetBytes(name + "\0");
        var v = System.Text.Encoding.UTF8.GetBytes(value + "\0");
        fixed (byte* pn = n, pv = v) return fn(pn, pv, 0) == 0;
    }
}
