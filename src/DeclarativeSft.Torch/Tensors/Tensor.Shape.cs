using DeclarativeSft.Torch.Interop;

namespace DeclarativeSft.Torch;

// Views, shape changes, indexing, reductions and conversion.
public sealed partial class Tensor
{
    private unsafe Tensor ShapeOp(long[] values, ShapeOp op)
    {
        fixed (long* p = values) return From(NativeMethods.dsft_shape_op(Handle, p, values.Length, op));
    }

    public Tensor reshape(params long[] shape) => ShapeOp(shape, Interop.ShapeOp.Reshape);
    public Tensor view(params long[] shape) => ShapeOp(shape, Interop.ShapeOp.View);
    public Tensor expand(params long[] shape) => ShapeOp(shape, Interop.ShapeOp.Expand);
    public Tensor permute(params long[] dims) => ShapeOp(dims, Interop.ShapeOp.Permute);
    public Tensor repeat(params long[] repeats) => ShapeOp(repeats, Interop.ShapeOp.Repeat);
    public Tensor expand_as(Tensor other) => expand(other.shape);
    public Tensor view_as(Tensor other) => view(other.shape);
    public Tensor transpose(long dim0, long dim1) => From(NativeMethods.dsft_transpose(Handle, dim0, dim1));
    /// <summary>Transpose of a 2-d tensor.</summary>
    public Tensor t() => transpose(0, 1);
    public Tensor narrow(long dim, long start, long length) => From(NativeMethods.dsft_narrow(Handle, dim, start, length));
    /// <summary>Python's t[..., start:end:step] along <paramref name="dim"/>.</summary>
    public Tensor slice(long dim, long start, long end, long step = 1) => From(NativeMethods.dsft_slice(Handle, dim, start, end, step));
    /// <summary>Python's t[..., index] along <paramref name="dim"/> (drops the dimension).</summary>
    public Tensor select(long dim, long index) => From(NativeMethods.dsft_select(Handle, dim, index));
    public Tensor unsqueeze(long dim) => From(NativeMethods.dsft_unsqueeze(Handle, dim));
    public Tensor squeeze() => From(NativeMethods.dsft_squeeze(Handle, 0, 0));
    public Tensor squeeze(long dim) => From(NativeMethods.dsft_squeeze(Handle, dim, 1));
    public Tensor flatten(long startDim = 0, long endDim = -1) => From(NativeMethods.dsft_flatten(Handle, startDim, endDim));
    public Tensor contiguous() => Unary(UnaryOp.Contiguous);
    public Tensor clone() => Unary(UnaryOp.Clone);
    /// <summary>Same data, cut from the autograd graph.</summary>
    public Tensor detach() => Unary(UnaryOp.Detach);

    public Tensor index_select(long dim, Tensor index) => From(NativeMethods.dsft_index_select(Handle, dim, index.Handle));
    public Tensor gather(long dim, Tensor index) => From(NativeMethods.dsft_gather(Handle, dim, index.Handle));
    public Tensor scatter(long dim, Tensor index, Tensor src) => From(NativeMethods.dsft_scatter(Handle, dim, index.Handle, src.Handle));
    /// <summary>Out-of-place <c>t[index] = values</c> (or += with <paramref name="accumulate"/>) along dim 0.</summary>
    public Tensor index_put(Tensor index, Tensor values, bool accumulate = false) =>
        From(NativeMethods.dsft_index_put(Handle, index.Handle, values.Handle, accumulate ? 1 : 0));
    public Tensor masked_fill(Tensor mask, double value) => From(NativeMethods.dsft_masked_fill(Handle, mask.Handle, value, 0, 0));
    public Tensor masked_fill(Tensor mask, long value) => From(NativeMethods.dsft_masked_fill(Handle, mask.Handle, 0, value, 1));
    public Tensor masked_scatter(Tensor mask, Tensor source) => From(NativeMethods.dsft_masked_scatter(Handle, mask.Handle, source.Handle));
    public Tensor tril(long diagonal = 0) => From(NativeMethods.dsft_tril(Handle, diagonal));
    public Tensor triu(long diagonal = 0) => From(NativeMethods.dsft_triu(Handle, diagonal));

    /// <summary>Pieces of at most <paramref name="splitSize"/> along <paramref name="dim"/> (views).</summary>
    public Tensor[] split(long splitSize, long dim = 0)
    {
        if (splitSize <= 0) throw new ArgumentOutOfRangeException(nameof(splitSize), "split size must be positive");
        long n = size(dim);
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += splitSize) parts.Add(narrow(dim, start, Math.Min(splitSize, n - start)));
        return parts.ToArray();
    }

    /// <summary>Pieces with the given sizes along <paramref name="dim"/> (views).</summary>
    public Tensor[] split(long[] sizes, long dim = 0)
    {
        if (sizes.Sum() != size(dim)) throw new TorchException($"split sizes sum to {sizes.Sum()} but dimension {dim} has size {size(dim)}");
        var parts = new Tensor[sizes.Length];
        long start = 0;
        for (int k = 0; k < sizes.Length; k++) { parts[k] = narrow(dim, start, sizes[k]); start += sizes[k]; }
        return parts;
    }

    /// <summary>PyTorch's chunk: <paramref name="chunks"/> pieces of ceil(n/chunks) (the last may be smaller).</summary>
    public Tensor[] chunk(long chunks, long dim = 0)
    {
        if (chunks <= 0) throw new ArgumentOutOfRangeException(nameof(chunks), "chunks must be positive");
        long n = size(dim);
        return split(Math.Max(1, (n + chunks - 1) / chunks), dim);
    }

    // ---- reductions ----

    private unsafe Tensor Reduce(ReduceOp op, long[]? dims, bool keepdim, ScalarType? type = null)
    {
        dims ??= Array.Empty<long>();
        fixed (long* p = dims)
            return From(NativeMethods.dsft_reduce(Handle, op, p, dims.Length, keepdim ? 1 : 0, type.HasValue ? (int)type.Value : -1));
    }

    public Tensor sum(ScalarType? type = null) => Reduce(ReduceOp.Sum, null, false, type);
    public Tensor sum(long dim, bool keepdim = false, ScalarType? type = null) => Reduce(ReduceOp.Sum, new[] { dim }, keepdim, type);
    public Tensor sum(long[] dims, bool keepdim = false, ScalarType? type = null) => Reduce(ReduceOp.Sum, dims, keepdim, type);
    public Tensor mean(ScalarType? type = null) => Reduce(ReduceOp.Mean, null, false, type);
    public Tensor mean(long dim, bool keepdim = false, ScalarType? type = null) => Reduce(ReduceOp.Mean, new[] { dim }, keepdim, type);
    public Tensor mean(long[] dims, bool keepdim = false, ScalarType? type = null) => Reduce(ReduceOp.Mean, dims, keepdim, type);
    public Tensor amax(long dim, bool keepdim = false) => Reduce(ReduceOp.Amax, new[] { dim }, keepdim);
    public Tensor amin(long dim, bool keepdim = false) => Reduce(ReduceOp.Amin, new[] { dim }, keepdim);
    public Tensor logsumexp(long dim, bool keepdim = false) => Reduce(ReduceOp.LogSumExp, new[] { dim }, keepdim);
    public Tensor any() => Reduce(ReduceOp.Any, null, false);
    public Tensor all() => Reduce(ReduceOp.All, null, false);
    public Tensor var(long dim, bool keepdim = false) => Reduce(ReduceOp.Var, new[] { dim }, keepdim);
    public Tensor std(long dim, bool keepdim = false) => Reduce(ReduceOp.Std, new[] { dim }, keepdim);
    /// <summary>L2 norm over all elements.</summary>
    public Tensor norm() => Reduce(ReduceOp.Norm, null, false);
    public Tensor norm(long dim, bool keepdim = false) => Reduce(ReduceOp.Norm, new[] { dim }, keepdim);

    /// <summary>Maximum of all elements (0-d tensor).</summary>
    public Tensor max() => From(NativeMethods.dsft_max_all(Handle));
    /// <summary>Minimum of all elements (0-d tensor).</summary>
    public Tensor min() => From(NativeMethods.dsft_min_all(Handle));

    private (Tensor values, Tensor indices) ValuesIndices(ValuesIndicesOp op, long dim, long k, bool flag, bool keepdim)
    {
        NativeMethods.Check(NativeMethods.dsft_values_indices(Handle, op, dim, k, flag ? 1 : 0, keepdim ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    public (Tensor values, Tensor indices) max(long dim, bool keepdim = false) => ValuesIndices(ValuesIndicesOp.Max, dim, 0, false, keepdim);
    public (Tensor values, Tensor indices) min(long dim, bool keepdim = false) => ValuesIndices(ValuesIndicesOp.Min, dim, 0, false, keepdim);
    /// <summary>Stable sort along <paramref name="dim"/>.</summary>
    public (Tensor values, Tensor indices) sort(long dim = -1, bool descending = false) => ValuesIndices(ValuesIndicesOp.Sort, dim, 0, descending, false);
    /// <summary>The k largest (or smallest) entries along <paramref name="dim"/>, sorted.</summary>
    public (Tensor values, Tensor indices) topk(long k, long dim = -1, bool largest = true) => ValuesIndices(ValuesIndicesOp.TopK, dim, k, largest, false);

    public Tensor argmax() => From(NativeMethods.dsft_argmax(Handle, 0, 0, 0));
    public Tensor argmax(long dim, bool keepdim = false) => From(NativeMethods.dsft_argmax(Handle, dim, 1, keepdim ? 1 : 0));
    public Tensor cumsum(long dim) => From(NativeMethods.dsft_cumsum(Handle, dim));

    // ---- conversion ----

    /// <summary>Converted to <paramref name="type"/> (same tensor when it already is, unless <paramref name="copy"/>).</summary>
    public Tensor to(ScalarType type, bool copy = false) => to(type, device, copy);
    /// <summary>Moved to <paramref name="target"/>.</summary>
    public Tensor to(Device target, bool copy = false) => to(dtype, target, copy);
    public Tensor to(ScalarType type, Device target, bool copy = false) =>
        From(NativeMethods.dsft_to(Handle, (int)type, (int)target.Type, target.Index, copy ? 1 : 0));
    public Tensor to(string target) => to(Device.Parse(target));
    public Tensor cpu() => to(Device.CPU);
    public Tensor cuda(int index = 0) => to(Device.CUDA(index));
    public Tensor @float() => to(ScalarType.Float32);
    public Tensor @double() => to(ScalarType.Float64);
    public Tensor @long() => to(ScalarType.Int64);
    public Tensor @bool() => to(ScalarType.Bool);
    public Tensor bfloat16() => to(ScalarType.BFloat16);
    public Tensor half() => to(ScalarType.Float16);
}
