using System.Runtime.InteropServices;
using DeclarativeSft.Torch.Interop;

namespace DeclarativeSft.Torch;

/// <summary>
/// A libtorch tensor. Owns one native reference; <see cref="Dispose"/> releases it deterministically
/// (the finalizer is only a safety net). Created inside a <see cref="DisposeScope"/>, it is disposed with it.
/// Member names follow PyTorch/TorchSharp.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle handle;

    internal Tensor(IntPtr nativeHandle)
    {
        handle = new TensorHandle(nativeHandle);
        DisposeScope.Current?.Add(this);
    }

    /// <summary>Wraps a handle returned by a native call, throwing the native error when it is null.</summary>
    internal static Tensor From(IntPtr nativeHandle) => new(NativeMethods.Check(nativeHandle));

    internal DisposeScope? OwningScope { get; set; }

    /// <summary>True after <see cref="Dispose"/>.</summary>
    public bool IsDisposed => handle.IsClosed;

    /// <summary>The native handle; throws <see cref="ObjectDisposedException"/> after disposal.</summary>
    internal TensorHandle Handle
    {
        get
        {
            if (handle.IsClosed) throw new ObjectDisposedException(nameof(Tensor), "this tensor has been disposed (directly or by its DisposeScope)");
            return handle;
        }
    }

    /// <summary>The raw pointer, for array arguments; callers keep <c>this</c> alive across the call.</summary>
    internal IntPtr RawHandle => Handle.DangerousGetHandle();

    /// <summary>Releases the native tensor now.</summary>
    public void Dispose() => handle.Dispose();

    /// <summary>Moves this tensor to the scope enclosing its current one (or out of all scopes).</summary>
    public Tensor MoveToOuterDisposeScope()
    {
        var outer = OwningScope?.Outer;
        OwningScope = null;
        outer?.Add(this);
        return this;
    }

    /// <summary>Removes this tensor from any scope; the caller disposes it.</summary>
    public Tensor DetachFromDisposeScope()
    {
        OwningScope = null;
        return this;
    }

    // ---- metadata ----

    /// <summary>Number of dimensions.</summary>
    public long dim() => NativeMethods.dsft_tensor_dim(Handle);

    /// <summary>Number of dimensions.</summary>
    public long ndim => dim();

    /// <summary>Sizes of every dimension.</summary>
    public unsafe long[] shape
    {
        get
        {
            var h = Handle;
            var result = new long[NativeMethods.dsft_tensor_dim(h)];
            fixed (long* p = result) NativeMethods.Check(NativeMethods.dsft_tensor_shape(h, p));
            return result;
        }
    }

    /// <summary>Size of dimension <paramref name="d"/> (negative counts from the end).</summary>
    public long size(long d)
    {
        var s = shape;
        long k = d < 0 ? d + s.Length : d;
        if (k < 0 || k >= s.Length) throw new ArgumentOutOfRangeException(nameof(d), $"dimension {d} out of range for a {s.Length}-d tensor");
        return s[k];
    }

    /// <summary>Total number of elements.</summary>
    public long numel() => NativeMethods.dsft_tensor_numel(Handle);

    /// <summary>Element type.</summary>
    public ScalarType dtype => (ScalarType)NativeMethods.dsft_tensor_dtype(Handle);

    /// <summary>Where the data lives.</summary>
    public Device device
    {
        get
        {
            var h = Handle;
            return new Device((DeviceType)NativeMethods.dsft_tensor_device_type(h), NativeMethods.dsft_tensor_device_index(h));
        }
    }

    /// <summary>Whether autograd records operations on this tensor.</summary>
    public bool requires_grad
    {
        get => NativeMethods.dsft_tensor_requires_grad(Handle) != 0;
        set => NativeMethods.Check(NativeMethods.dsft_tensor_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>Sets <see cref="requires_grad"/> and returns this tensor.</summary>
    public Tensor requires_grad_(bool value = true)
    {
        requires_grad = value;
        return this;
    }

    /// <summary>True for tensors created by the user rather than by a recorded operation.</summary>
    public bool is_leaf => NativeMethods.dsft_tensor_is_leaf(Handle) != 0;

    /// <summary>Whether the memory is dense row-major.</summary>
    public bool is_contiguous() => NativeMethods.dsft_tensor_is_contiguous(Handle) != 0;

    // ---- host transfer ----

    /// <summary>Copies the data to a new host array, converting to the element type of <typeparamref name="T"/>
    /// (float, double, long, int, short, sbyte, byte, bool, Half). bfloat16/float16 tensors read as float are converted.</summary>
    public unsafe T[] data<T>() where T : unmanaged
    {
        var type = HostType<T>();
        var result = new T[numel()];
        fixed (T* p = result)
            NativeMethods.Check(NativeMethods.dsft_tensor_to_host(Handle, p, (long)result.Length * sizeof(T), (int)type));
        return result;
    }

    /// <summary>Same as <see cref="data{T}"/>.</summary>
    public T[] ToArray<T>() where T : unmanaged => data<T>();

    /// <summary>The value of a one-element tensor.</summary>
    public T item<T>() where T : unmanaged
    {
        long n = numel();
        if (n != 1) throw new TorchException($"a Tensor with {n} elements cannot be converted to Scalar");
        return data<T>()[0];
    }

    /// <summary>Copies raw bytes of the tensor in its own dtype (row-major) into <paramref name="destination"/>.</summary>
    public unsafe void CopyBytesTo(Span<byte> destination)
    {
        fixed (byte* p = destination)
            NativeMethods.Check(NativeMethods.dsft_tensor_to_host(Handle, p, destination.Length, (int)dtype));
    }

    internal static ScalarType HostType<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return ScalarType.Float32;
        if (typeof(T) == typeof(double)) return ScalarType.Float64;
        if (typeof(T) == typeof(long)) return ScalarType.Int64;
        if (typeof(T) == typeof(int)) return ScalarType.Int32;
        if (typeof(T) == typeof(short)) return ScalarType.Int16;
        if (typeof(T) == typeof(sbyte)) return ScalarType.Int8;
        if (typeof(T) == typeof(byte)) return ScalarType.Byte;
        if (typeof(T) == typeof(bool)) return ScalarType.Bool;
        if (typeof(T) == typeof(Half)) return ScalarType.Float16;
        throw new NotSupportedException($"no tensor dtype corresponds to {typeof(T).Name}");
    }

    /// <summary>Shape and dtype, e.g. "Tensor[2, 3] float32 cpu".</summary>
    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor[{string.Join(", ", shape)}] {dtype.TorchName()} {device}";
}
