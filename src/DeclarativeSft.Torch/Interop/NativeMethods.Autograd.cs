using System.Runtime.InteropServices;

namespace DeclarativeSft.Torch.Interop;

// autograd.cpp and optim.cpp.
internal static partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial int dsft_backward(TensorHandle t, IntPtr gradient, int retainGraph, int createGraph);
    [LibraryImport(Library)] internal static partial int dsft_tensor_grad(TensorHandle t, out IntPtr grad);
    [LibraryImport(Library)] internal static partial int dsft_tensor_set_grad(TensorHandle t, IntPtr gradient);

    [LibraryImport(Library)]
    internal static unsafe partial int dsft_autograd_grad(IntPtr* outputs, IntPtr* gradOutputs, int nOutputs, IntPtr* inputs, int nInputs,
        int retainGraph, int createGraph, int allowUnused, IntPtr* results);

    [LibraryImport(Library)] internal static partial int dsft_is_grad_enabled();
    [LibraryImport(Library)] internal static partial int dsft_set_grad_enabled(int enabled);

    [LibraryImport(Library)]
    internal static unsafe partial int dsft_adamw_step(IntPtr* parameters, IntPtr* expAvgs, IntPtr* expAvgSqs, long* steps, int count,
        double lr, double beta1, double beta2, double eps, double weightDecay);

    [LibraryImport(Library)]
    internal static unsafe partial int dsft_clip_grad_norm(IntPtr* parameters, int count, double maxNorm, double normType, out double totalNorm);
}
