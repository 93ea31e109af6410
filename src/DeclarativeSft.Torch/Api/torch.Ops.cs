using DeclarativeSft.Torch.Interop;

namespace DeclarativeSft.Torch;

// Free-function forms of tensor ops (torch.matmul, torch.cat, ...).
public static partial class torch
{
    public static Tensor matmul(Tensor a, Tensor b) => a.matmul(b);
    public static Tensor bmm(Tensor a, Tensor b) => a.bmm(b);
    public static Tensor outer(Tensor a, Tensor b) => a.outer(b);
    public static Tensor where(Tensor condition, Tensor a, Tensor b) =>
        Tensor.From(NativeMethods.dsft_where(condition.Handle, a.Handle, b.Handle));
    public static Tensor tril(Tensor t, long diagonal = 0) => t.tril(diagonal);
    public static Tensor triu(Tensor t, long diagonal = 0) => t.triu(diagonal);
    public static Tensor exp(Tensor t) => t.exp();
    public static Tensor log(Tensor t) => t.log();
    public static Tensor sqrt(Tensor t) => t.sqrt();
    public static Tensor rsqrt(Tensor t) => t.rsqrt();
    public static Tensor cos(Tensor t) => t.cos();
    public static Tensor sin(Tensor t) => t.sin();
    public static Tensor maximum(Tensor a, Tensor b) => a.maximum(b);
    public static Tensor minimum(Tensor a, Tensor b) => a.minimum(b);
    public static Tensor clamp(Tensor t, double? min = null, double? max = null) => t.clamp(min, max);
    public static Tensor gather(Tensor t, long dim, Tensor index) => t.gather(dim, index);
    public static Tensor cumsum(Tensor t, long dim) => t.cumsum(dim);
    public static (Tensor values, Tensor indices) topk(Tensor t, long k, long dim = -1, bool largest = true) => t.topk(k, dim, largest);
    public static (Tensor values, Tensor indices) sort(Tensor t, long dim = -1, bool descending = false) => t.sort(dim, descending);
    public static Tensor argmax(Tensor t, long dim, bool keepdim = false) => t.argmax(dim, keepdim);

    /// <summary>Concatenates along an existing dimension.</summary>
    public static unsafe Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var handles = Handles(tensors);
        fixed (IntPtr* p = handles)
        {
            var r = Tensor.From(NativeMethods.dsft_cat(p, handles.Length, dim));
            GC.KeepAlive(tensors);
            return r;
        }
    }

    /// <summary>Stacks along a new dimension.</summary>
    public static unsafe Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var handles = Handles(tensors);
        fixed (IntPtr* p = handles)
        {
            var r = Tensor.From(NativeMethods.dsft_stack(p, handles.Length, dim));
            GC.KeepAlive(tensors);
            return r;
        }
    }

    internal static IntPtr[] Handles(IReadOnlyList<Tensor> tensors)
    {
        var handles = new IntPtr[tensors.Count];
        for (int k = 0; k < handles.Length; k++) handles[k] = tensors[k].RawHandle;
        return handles;
    }

    /// <summary>torch.autograd.</summary>
    public static class autograd
    {
        /// <summary>Gradients of <paramref name="outputs"/> w.r.t. <paramref name="inputs"/> without touching .grad
        /// (entries are null for unused inputs when <paramref name="allow_unused"/>). Used for gradient checkpointing.</summary>
        public static unsafe Tensor?[] grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?>? grad_outputs = null,
            bool retain_graph = false, bool create_graph = false, bool allow_unused = false)
        {
            if (grad_outputs is not null && grad_outputs.Count != outputs.Count)
                throw new ArgumentException($"{grad_outputs.Count} grad_outputs for {outputs.Count} outputs", nameof(grad_outputs));
            var outs = Handles(outputs);
            var ins = Handles(inputs);
            var gouts = new IntPtr[outputs.Count];
            if (grad_outputs is not null)
                for (int k = 0; k < gouts.Length; k++) gouts[k] = grad_outputs[k]?.RawHandle ?? IntPtr.Zero;
            var results = new IntPtr[inputs.Count];
            fixed (IntPtr* po = outs, pg = gouts, pi = ins, pr = results)
                NativeMethods.Check(NativeMethods.dsft_autograd_grad(po, pg, outs.Length, pi, ins.Length, retain_graph ? 1 : 0,
                    create_graph ? 1 : 0, allow_unused ? 1 : 0, pr));
            GC.KeepAlive(outputs);
            GC.KeepAlive(inputs);
            GC.KeepAlive(grad_outputs);
            var grads = new Tensor?[results.Length];
            for (int k = 0; k < results.Length; k++) grads[k] = results[k] == IntPtr.Zero ? null : new Tensor(results[k]);
            return grads;
        }
    }
}
