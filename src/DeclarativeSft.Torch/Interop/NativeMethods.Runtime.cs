using System.Runtime.InteropServices;

namespace DeclarativeSft.Torch.Interop;

// random.cpp and runtime.cpp.
internal static partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial int dsft_manual_seed(ulong seed);
    [LibraryImport(Library)] internal static partial IntPtr dsft_generator_new(int deviceType, int deviceIndex, ulong seed);
    [LibraryImport(Library)] internal static partial IntPtr dsft_generator_default(int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial void dsft_generator_free(IntPtr g);
    [LibraryImport(Library)] internal static partial IntPtr dsft_generator_get_state(GeneratorHandle g);
    [LibraryImport(Library)] internal static partial int dsft_generator_set_state(GeneratorHandle g, TensorHandle state);
    [LibraryImport(Library)] internal static partial int dsft_generator_set_seed(GeneratorHandle g, ulong seed);
    [LibraryImport(Library)] internal static partial ulong dsft_generator_initial_seed(GeneratorHandle g);

    [LibraryImport(Library)] internal static partial int dsft_set_num_threads(int n);
    [LibraryImport(Library)] internal static partial int dsft_get_num_threads();
    [LibraryImport(Library)] internal static partial int dsft_cuda_is_available();
    [LibraryImport(Library)] internal static partial int dsft_cuda_device_count();
    [LibraryImport(Library)] internal static partial int dsft_cuda_synchronize(int deviceIndex);
    [LibraryImport(Library)] internal static unsafe partial int dsft_cuda_memory_stats(int deviceIndex, long* stats);
    [LibraryImport(Library)] internal static partial IntPtr dsft_build_info();

    [LibraryImport(Library)] internal static partial int dsft_cpu_allocator_configure(long cacheLimitBytes);
    [LibraryImport(Library)] internal static unsafe partial int dsft_cpu_allocator_stats(long* stats);
    [LibraryImport(Library)] internal static partial int dsft_cpu_allocator_empty_cache();
}
