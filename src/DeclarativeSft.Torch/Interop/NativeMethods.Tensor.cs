using System.Runtime.InteropServices;

namespace DeclarativeSft.Torch.Interop;

// tensor_core.cpp: lifetime, metadata, host transfer, factories, conversion.
internal static partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial void dsft_tensor_free(IntPtr t);
    [LibraryImport(Library)] internal static partial int dsft_tensor_dim(TensorHandle t);
    [LibraryImport(Library)] internal static unsafe partial int dsft_tensor_shape(TensorHandle t, long* shape);
    [LibraryImport(Library)] internal static partial long dsft_tensor_numel(TensorHandle t);
    [LibraryImport(Library)] internal static partial int dsft_tensor_dtype(TensorHandle t);
    [LibraryImport(Library)] internal static partial int dsft_tensor_device_type(TensorHandle t);
    [LibraryImport(Library)] internal static partial int dsft_tensor_device_index(TensorHandle t);
    [LibraryImport(Library)] internal static partial int dsft_tensor_requires_grad(TensorHandle t);
    [LibraryImport(Library)] internal static partial int dsft_tensor_is_leaf(TensorHandle t);
    [LibraryImport(Library)] internal static partial int dsft_tensor_is_contiguous(TensorHandle t);
    [LibraryImport(Library)] internal static partial int dsft_tensor_set_requires_grad(TensorHandle t, int value);
    [LibraryImport(Library)] internal static unsafe partial int dsft_tensor_to_host(TensorHandle t, void* dst, long nbytes, int dtype);

    [LibraryImport(Library)]
    internal static unsafe partial IntPtr dsft_tensor_from_host(void* src, long* shape, int ndim, int srcDtype, int dtype,
        int deviceType, int deviceIndex, int requiresGrad);

    [LibraryImport(Library)]
    internal static unsafe partial IntPtr dsft_full(long* shape, int ndim, double d, long i, int kind, int dtype,
        int deviceType, int deviceIndex, int requiresGrad);

    [LibraryImport(Library)]
    internal static unsafe partial IntPtr dsft_empty(long* shape, int ndim, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(Library)]
    internal static partial IntPtr dsft_arange(double start, double end, double step, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(Library)]
    internal static unsafe partial IntPtr dsft_random(int kind, long* shape, int ndim, double a, double b, IntPtr gen,
        int dtype, int deviceType, int deviceIndex, int requiresGrad);

    [LibraryImport(Library)] internal static partial int dsft_random_(TensorHandle t, int kind, double a, double b, IntPtr gen);
    [LibraryImport(Library)] internal static partial IntPtr dsft_multinomial(TensorHandle probs, long n, int replacement, IntPtr gen);
    [LibraryImport(Library)] internal static partial IntPtr dsft_to(TensorHandle t, int dtype, int deviceType, int deviceIndex, int copy);
}
