using System.Globalization;
using DeclarativeSft.Torch.Interop;

namespace DeclarativeSft.Torch;

public static partial class torch
{
    /// <summary>
    /// The CPU allocator: this library installs a caching allocator for buffers of 256 KiB and more, because a
    /// training step allocates the same large activations and gradients every step and glibc would otherwise map,
    /// page-fault and zero them afresh each time. Free blocks are kept up to a limit (default a quarter of the
    /// machine's memory; DSFT_CPU_CACHE_MB sets it in MiB, 0 turns caching off).
    /// </summary>
    public static class cpu
    {
        /// <summary>Counters of the caching allocator.</summary>
        /// <param name="Hits">Large allocations served from a cached block.</param>
        /// <param name="Misses">Large allocations that needed fresh memory.</param>
        /// <param name="CachedBytes">Bytes held in free blocks now.</param>
        /// <param name="LimitBytes">Most bytes the cache may hold.</param>
        public readonly record struct CacheStats(long Hits, long Misses, long CachedBytes, long LimitBytes);

        /// <summary>The caching allocator's counters.</summary>
        public static unsafe CacheStats memory_stats()
        {
            Runtime.EnsureInitialized();
            var s = stackalloc long[4];
            NativeMethods.Check(NativeMethods.dsft_cpu_allocator_stats(s));
            return new CacheStats(s[0], s[1], s[2], s[3]);
        }

        /// <summary>Frees every cached block (like torch.cuda.empty_cache for CPU memory).</summary>
        public static void empty_cache()
        {
            Runtime.EnsureInitialized();
            NativeMethods.Check(NativeMethods.dsft_cpu_allocator_empty_cache());
        }

        /// <summary>Sets how many bytes of free blocks the cache may keep (0: none, every block is freed at once).</summary>
        public static void set_cache_limit(long bytes)
        {
            Runtime.EnsureInitialized();
            NativeMethods.Check(NativeMethods.dsft_cpu_allocator_configure(Math.Max(0, bytes)));
        }

        internal static long DefaultCacheLimitBytes()
        {
            var env = Environment.GetEnvironmentVariable("DSFT_CPU_CACHE_MB");
            if (!string.IsNullOrWhiteSpace(env) && long.TryParse(env, NumberStyles.Integer, CultureInfo.InvariantCulture, out var mb) && mb >= 0)
                return mb * 1024 * 1024;
            long total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            return total > 0 ? total / 4 : 1L << 30;
        }
    }
}
