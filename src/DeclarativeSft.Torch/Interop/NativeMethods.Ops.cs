using System.Runtime.InteropServices;

namespace DeclarativeSft.Torch.Interop;

// tensor_ops.cpp: elementwise, shape, indexing and reductions.
internal static partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial IntPtr dsft_unary(TensorHandle t, UnaryOp op);
    [LibraryImport(Library)] internal static partial IntPtr dsft_binary(TensorHandle a, TensorHandle b, BinaryOp op);
    [LibraryImport(Library)] internal static partial IntPtr dsft_binary_scalar(TensorHandle a, double d, long i, int kind, BinaryOp op);
    [LibraryImport(Library)] internal static partial IntPtr dsft_add_scaled(TensorHandle a, TensorHandle b, double d, long i, int kind);
    [LibraryImport(Library)] internal static partial int dsft_binary_(TensorHandle a, TensorHandle b, BinaryOp op);
    [LibraryImport(Library)] internal static partial int dsft_binary_scalar_(TensorHandle a, double d, long i, int kind, BinaryOp op);
    [LibraryImport(Library)] internal static partial int dsft_add_scaled_(TensorHandle a, TensorHandle b, double d, long i, int kind);
    [LibraryImport(Library)] internal static partial int dsft_zero_(TensorHandle t);

    [LibraryImport(Library)] internal static unsafe partial IntPtr dsft_shape_op(TensorHandle t, long* values, int count, ShapeOp op);
    [LibraryImport(Library)] internal static partial IntPtr dsft_transpose(TensorHandle t, long d0, long d1);
    [LibraryImport(Library)] internal static partial IntPtr dsft_narrow(TensorHandle t, long dim, long start, long length);
    [LibraryImport(Library)] internal static partial IntPtr dsft_slice(TensorHandle t, long dim, long start, long end, long step);
    [LibraryImport(Library)] internal static partial IntPtr dsft_select(TensorHandle t, long dim, long index);
    [LibraryImport(Library)] internal static partial IntPtr dsft_unsqueeze(TensorHandle t, long dim);
    [LibraryImport(Library)] internal static partial IntPtr dsft_squeeze(TensorHandle t, long dim, int hasDim);
    [LibraryImport(Library)] internal static partial IntPtr dsft_flatten(TensorHandle t, long start, long end);
    [LibraryImport(Library)] internal static partial IntPtr dsft_index_select(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Library)] internal static partial IntPtr dsft_gather(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Library)] internal static partial IntPtr dsft_scatter(TensorHandle t, long dim, TensorHandle index, TensorHandle src);
    [LibraryImport(Library)] internal static partial IntPtr dsft_index_put(TensorHandle t, TensorHandle index, TensorHandle values, int accumulate);
    [LibraryImport(Library)] internal static partial IntPtr dsft_masked_fill(TensorHandle t, TensorHandle mask, double d, long i, int kind);
    [LibraryImport(Library)] internal static partial IntPtr dsft_masked_scatter(TensorHandle t, TensorHandle mask, TensorHandle source);
    [LibraryImport(Library)] internal static partial IntPtr dsft_where(TensorHandle cond, TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial IntPtr dsft_tril(TensorHandle t, long diagonal);
    [LibraryImport(Library)] internal static partial IntPtr dsft_triu(TensorHandle t, long diagonal);
    [LibraryImport(Library)] internal static partial IntPtr dsft_clamp(TensorHandle t, double lo, int hasLo, double hi, int hasHi);
    [LibraryImport(Library)] internal static unsafe partial IntPtr dsft_cat(IntPtr* list, int count, long dim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr dsft_stack(IntPtr* list, int count, long dim);

    [LibraryImport(Library)] internal static unsafe partial IntPtr dsft_reduce(TensorHandle t, ReduceOp op, long* dims, int count, int keepdim, int dtype);

    [LibraryImport(Library)]
    internal static partial int dsft_values_indices(TensorHandle t, ValuesIndicesOp op, long dim, long k, int flag, int keepdim,
        out IntPtr values, out IntPtr indices);

    [LibraryImport(Library)] internal static partial IntPtr dsft_argmax(TensorHandle t, long dim, int hasDim, int keepdim);
    [LibraryImport(Library)] internal static partial IntPtr dsft_cumsum(TensorHandle t, long dim);
    [LibraryImport(Library)] internal static partial IntPtr dsft_max_all(TensorHandle t);
    [LibraryImport(Library)] internal static partial IntPtr dsft_min_all(TensorHandle t);
}
