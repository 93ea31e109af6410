using System.Runtime.InteropServices;
using DeclarativeSft.Torch.Interop;

namespace DeclarativeSft.Torch;

/// <summary>Entry point mirroring PyTorch's <c>torch</c> module (as TorchSharp does).</summary>
public static partial class torch
{
    public const ScalarType float32 = ScalarType.Float32;
    public const ScalarType float64 = ScalarType.Float64;
    public const ScalarType bfloat16 = ScalarType.BFloat16;
    public const ScalarType float16 = ScalarType.Float16;
    public const ScalarType int64 = ScalarType.Int64;
    public const ScalarType int32 = ScalarType.Int32;
    public const ScalarType int8 = ScalarType.Int8;
    public const ScalarType uint8 = ScalarType.Byte;
    public const ScalarType @bool = ScalarType.Bool;

    /// <summary>The CPU device.</summary>
    public static readonly Device CPU = Device.CPU;

    /// <summary>Opens a scope that disposes the tensors created inside it (see <see cref="DisposeScope"/>).</summary>
    public static DisposeScope NewDisposeScope()
    {
        Runtime.EnsureInitialized();
        return new DisposeScope();
    }

    /// <summary>Disables gradient recording on this thread until disposed (restores the previous mode).</summary>
    public static IDisposable no_grad() => new GradModeScope(false);

    /// <summary>Sets gradient recording on this thread until disposed.</summary>
    public static IDisposable set_grad_enabled(bool enabled) => new GradModeScope(enabled);

    /// <summary>Whether gradient recording is on for this thread.</summary>
    public static bool is_grad_enabled() => NativeMethods.dsft_is_grad_enabled() != 0;

    /// <summary>Seeds the default CPU generator and every CUDA device's default generator.</summary>
    public static void manual_seed(long seed)
    {
        Runtime.EnsureInitialized();
        NativeMethods.Check(NativeMethods.dsft_manual_seed(unchecked((ulong)seed)));
    }

    /// <summary>Intra-op threads libtorch uses (this library sets it to all cores at first use).</summary>
    public static void set_num_threads(int threads)
    {
        Runtime.EnsureInitialized();
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), "need at least one thread");
        NativeMethods.Check(NativeMethods.dsft_set_num_threads(threads));
    }

    public static int get_num_threads()
    {
        Runtime.EnsureInitialized();
        return NativeMethods.dsft_get_num_threads();
    }

    /// <summary>The libtorch this library was built against: "torch=1.13.0;cuda=0;cuda_headers=0;libtorch=...;source=...;cxx11_abi=1".</summary>
    public static string build_info => Marshal.PtrToStringUTF8(NativeMethods.dsft_build_info()) ?? "";

    /// <summary>How libtorch's OpenMP workers wait between parallel regions in this process, e.g.
    /// "OMP_WAIT_POLICY=PASSIVE (DeclarativeSft default)" or the user's own setting; empty when nothing was set.</summary>
    public static string openmp_wait_policy
    {
        get
        {
            Runtime.EnsureInitialized();
            return OpenMpWaitPolicy.Effective;
        }
    }

    /// <summary>True when scaled_dot_product_attention uses libtorch's fused kernel (2.x), false for the math fallback.</summary>
    public static bool has_fused_attention => NativeMethods.dsft_has_fused_attention() != 0;

    private sealed class GradModeScope : IDisposable
    {
        private readonly int previous;
        private bool disposed;

        public GradModeScope(bool enabled)
        {
            Runtime.EnsureInitialized();
            previous = NativeMethods.dsft_set_grad_enabled(enabled ? 1 : 0);
        }

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            NativeMethods.dsft_set_grad_enabled(previous);
        }
    }
}
