using System.Runtime.InteropServices;

namespace DeclarativeSft.Torch.Interop;

// nn_ops.cpp: functionals.
internal static partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial IntPtr dsft_linear(TensorHandle x, TensorHandle weight, IntPtr bias);
    [LibraryImport(Library)] internal static partial IntPtr dsft_embedding(TensorHandle weight, TensorHandle indices, long paddingIdx);
    [LibraryImport(Library)] internal static partial IntPtr dsft_softmax(TensorHandle t, long dim, int dtype, int op);
    [LibraryImport(Library)] internal static partial IntPtr dsft_dropout(TensorHandle x, double p, int train, IntPtr gen);

    [LibraryImport(Library)]
    internal static partial IntPtr dsft_cross_entropy(TensorHandle logits, TensorHandle target, IntPtr weight, int reduction,
        long ignoreIndex, double labelSmoothing);

    [LibraryImport(Library)] internal static partial IntPtr dsft_nll_loss(TensorHandle logProbs, TensorHandle target, int reduction, long ignoreIndex);
    [LibraryImport(Library)] internal static partial IntPtr dsft_mse_loss(TensorHandle input, TensorHandle target, int reduction);

    [LibraryImport(Library)]
    internal static partial IntPtr dsft_scaled_dot_product_attention(TensorHandle q, TensorHandle k, TensorHandle v, IntPtr mask,
        double dropoutP, int isCausal, double scale, IntPtr gen);

    [LibraryImport(Library)] internal static partial int dsft_has_fused_attention();
}
