using DeclarativeSft.Torch.Interop;

namespace DeclarativeSft.Torch;

// Autograd members.
public sealed partial class Tensor
{
    /// <summary>Back-propagates from this (scalar) tensor, accumulating into the leaves' <see cref="grad"/>.</summary>
    public void backward(bool retainGraph = false, bool createGraph = false) =>
        NativeMethods.Check(NativeMethods.dsft_backward(Handle, IntPtr.Zero, retainGraph ? 1 : 0, createGraph ? 1 : 0));

    /// <summary>Back-propagates <paramref name="gradient"/> (dL/dthis, same shape as this tensor).</summary>
    public void backward(Tensor gradient, bool retainGraph = false, bool createGraph = false)
    {
        NativeMethods.Check(NativeMethods.dsft_backward(Handle, gradient.RawHandle, retainGraph ? 1 : 0, createGraph ? 1 : 0));
        GC.KeepAlive(gradient);
    }

    /// <summary>The accumulated gradient (a new handle sharing the gradient's storage), or null when there is none.</summary>
    public Tensor? grad
    {
        get
        {
            NativeMethods.Check(NativeMethods.dsft_tensor_grad(Handle, out var g));
            return g == IntPtr.Zero ? null : new Tensor(g);
        }
        set
        {
            NativeMethods.Check(NativeMethods.dsft_tensor_set_grad(Handle, value?.RawHandle ?? IntPtr.Zero));
            GC.KeepAlive(value);
        }
    }

    /// <summary>Drops the gradient (PyTorch's zero_grad(set_to_none=True)); the next backward allocates a fresh one.</summary>
    public void zero_grad() => grad = null;
}
