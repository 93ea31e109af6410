using DeclarativeSft.Torch.Interop;

namespace DeclarativeSft.Torch;

public static partial class torch
{
    /// <summary>torch.cuda.</summary>
    public static class cuda
    {
        /// <summary>True when libtorch has CUDA and sees at least one device.</summary>
        public static bool is_available()
        {
            Runtime.EnsureInitialized();
            return NativeMethods.dsft_cuda_is_available() != 0;
        }

        public static int device_count()
        {
            Runtime.EnsureInitialized();
            return NativeMethods.dsft_cuda_device_count();
        }

        public static void synchronize(int device = -1) => NativeMethods.Check(NativeMethods.dsft_cuda_synchronize(device));

        /// <summary>Caching-allocator and device memory figures for one device (bytes; -1 = unknown).</summary>
        public readonly record struct MemoryStats(long Allocated, long PeakAllocated, long Reserved, long PeakReserved, long DeviceFree, long DeviceTotal);

        /// <summary>Memory figures for CUDA device <paramref name="device"/>; throws <see cref="TorchException"/> on a
        /// CPU-only build or a missing device.</summary>
        public static unsafe MemoryStats memory_stats(int device = 0)
        {
            Runtime.EnsureInitialized();
            var s = stackalloc long[6];
            NativeMethods.Check(NativeMethods.dsft_cuda_memory_stats(device, s));
            return new MemoryStats(s[0], s[1], s[2], s[3], s[4], s[5]);
        }

        /// <summary>Seeds every CUDA device (same as <see cref="torch.manual_seed"/>, which also seeds the CPU).</summary>
        public static void manual_seed_all(long seed) => torch.manual_seed(seed);
    }
}
