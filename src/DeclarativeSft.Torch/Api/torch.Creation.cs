using DeclarativeSft.Torch.Interop;

namespace DeclarativeSft.Torch;

// Factories.
public static partial class torch
{
    private static unsafe Tensor Full(long[] shape, double d, long i, int kind, ScalarType dtype, Device? device, bool requiresGrad)
    {
        Runtime.EnsureInitialized();
        var dev = device ?? Device.CPU;
        fixed (long* p = shape)
            return Tensor.From(NativeMethods.dsft_full(p, shape.Length, d, i, kind, (int)dtype, (int)dev.Type, dev.Index, requiresGrad ? 1 : 0));
    }

    public static Tensor zeros(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false) =>
        Full(shape, 0, 0, 0, dtype, device, requires_grad);

    public static Tensor zeros(params long[] shape) => zeros(shape, ScalarType.Float32);

    public static Tensor ones(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false) =>
        Full(shape, 1, 1, 0, dtype, device, requires_grad);

    public static Tensor ones(params long[] shape) => ones(shape, ScalarType.Float32);

    public static Tensor full(long[] shape, double value, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false) =>
        Full(shape, value, 0, 0, dtype, device, requires_grad);

    public static Tensor full(long[] shape, long value, ScalarType dtype = ScalarType.Int64, Device? device = null) =>
        Full(shape, 0, value, 1, dtype, device, false);

    public static unsafe Tensor empty(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        Runtime.EnsureInitialized();
        var dev = device ?? Device.CPU;
        fixed (long* p = shape) return Tensor.From(NativeMethods.dsft_empty(p, shape.Length, (int)dtype, (int)dev.Type, dev.Index));
    }

    public static Tensor zeros_like(Tensor t) => Tensor.From(NativeMethods.dsft_unary(t.Handle, UnaryOp.ZerosLike));
    public static Tensor ones_like(Tensor t) => Tensor.From(NativeMethods.dsft_unary(t.Handle, UnaryOp.OnesLike));
    public static Tensor empty_like(Tensor t) => Tensor.From(NativeMethods.dsft_unary(t.Handle, UnaryOp.EmptyLike));

    /// <summary>[start, end) with the given step; int64 unless a dtype is given.</summary>
    public static Tensor arange(long start, long end, long step = 1, ScalarType dtype = ScalarType.Int64, Device? device = null)
    {
        Runtime.EnsureInitialized();
        var dev = device ?? Device.CPU;
        return Tensor.From(NativeMethods.dsft_arange(start, end, step, (int)dtype, (int)dev.Type, dev.Index));
    }

    public static Tensor arange(long end, ScalarType dtype = ScalarType.Int64, Device? device = null) => arange(0, end, 1, dtype, device);

    public static Tensor arange(double start, double end, double step, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        Runtime.EnsureInitialized();
        var dev = device ?? Device.CPU;
        return Tensor.From(NativeMethods.dsft_arange(start, end, step, (int)dtype, (int)dev.Type, dev.Index));
    }

    private static unsafe Tensor Random(int kind, long[] shape, double a, double b, Generator? generator, ScalarType dtype, Device? device, bool requiresGrad)
    {
        Runtime.EnsureInitialized();
        var dev = device ?? Device.CPU;
        Tensor result;
        fixed (long* p = shape)
            result = Tensor.From(NativeMethods.dsft_random(kind, p, shape.Length, a, b, generator?.RawHandle ?? IntPtr.Zero,
                (int)dtype, (int)dev.Type, dev.Index, requiresGrad ? 1 : 0));
        GC.KeepAlive(generator);
        return result;
    }

    /// <summary>Standard normal draws.</summary>
    public static Tensor randn(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false, Generator? generator = null) =>
        Random(0, shape, 0, 1, generator, dtype, device, requires_grad);

    public static Tensor randn(params long[] shape) => randn(shape, ScalarType.Float32);

    /// <summary>Uniform [0, 1) draws.</summary>
    public static Tensor rand(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false, Generator? generator = null) =>
        Random(1, shape, 0, 1, generator, dtype, device, requires_grad);

    public static Tensor rand(params long[] shape) => rand(shape, ScalarType.Float32);

    /// <summary>N(mean, std) draws.</summary>
    public static Tensor normal(double mean, double std, long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, Generator? generator = null) =>
        Random(2, shape, mean, std, generator, dtype, device, false);

    /// <summary>U[low, high) draws.</summary>
    public static Tensor uniform(double low, double high, long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, Generator? generator = null) =>
        Random(3, shape, low, high, generator, dtype, device, false);

    /// <summary>Integers uniform in [low, high).</summary>
    public static Tensor randint(long low, long high, long[] shape, ScalarType dtype = ScalarType.Int64, Device? device = null, Generator? generator = null) =>
        Random(4, shape, low, high, generator, dtype, device, false);

    /// <summary>Samples <paramref name="num_samples"/> indices per row from (unnormalised) probabilities.</summary>
    public static Tensor multinomial(Tensor probs, long num_samples, bool replacement = false, Generator? generator = null)
    {
        var r = Tensor.From(NativeMethods.dsft_multinomial(probs.Handle, num_samples, replacement ? 1 : 0, generator?.RawHandle ?? IntPtr.Zero));
        GC.KeepAlive(generator);
        return r;
    }

    // ---- from host data ----

    private static unsafe Tensor FromHost<T>(ReadOnlySpan<T> data, long[]? shape, ScalarType? dtype, Device? device, bool requiresGrad) where T : unmanaged
    {
        Runtime.EnsureInitialized();
        shape ??= new long[] { data.Length };
        long count = 1;
        foreach (var s in shape) count *= s;
        if (count != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {count} elements but {data.Length} values were given", nameof(shape));
        var hostType = Tensor.HostType<T>();
        var dev = device ?? Device.CPU;
        T dummy = default;
        fixed (T* src = data)
        fixed (long* p = shape)
            return Tensor.From(NativeMethods.dsft_tensor_from_host(data.Length == 0 ? &dummy : src, p, shape.Length, (int)hostType,
                (int)(dtype ?? hostType), (int)dev.Type, dev.Index, requiresGrad ? 1 : 0));
    }

    /// <summary>A tensor holding a copy of <paramref name="data"/> (row-major) with the given shape (1-d when null),
    /// converted to <paramref name="dtype"/> (e.g. float data stored as bfloat16).</summary>
    public static Tensor tensor(float[] data, long[]? shape = null, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromHost<float>(data, shape, dtype, device, requires_grad);

    public static Tensor tensor(double[] data, long[]? shape = null, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        FromHost<double>(data, shape, dtype, device, requires_grad);

    public static Tensor tensor(long[] data, long[]? shape = null, ScalarType? dtype = null, Device? device = null) =>
        FromHost<long>(data, shape, dtype, device, false);

    public static Tensor tensor(int[] data, long[]? shape = null, ScalarType? dtype = null, Device? device = null) =>
        FromHost<int>(data, shape, dtype, device, false);

    public static Tensor tensor(bool[] data, long[]? shape = null, Device? device = null) =>
        FromHost<bool>(data, shape, ScalarType.Bool, device, false);

    public static Tensor tensor(byte[] data, long[]? shape = null, ScalarType? dtype = null, Device? device = null) =>
        FromHost<byte>(data, shape, dtype, device, false);

    /// <summary>A 0-d tensor.</summary>
    public static Tensor tensor(double value, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        FromHost<double>(new[] { value }, Array.Empty<long>(), dtype, device, false);

    /// <summary>Builds a tensor of <paramref name="dtype"/> from its raw little-endian bytes (e.g. a safetensors slice).</summary>
    public static Tensor from_bytes(ReadOnlySpan<byte> bytes, long[] shape, ScalarType dtype, Device? device = null)
    {
        long count = 1;
        foreach (var s in shape) count *= s;
        if (count * dtype.ElementSize() != bytes.Length)
            throw new ArgumentException($"{bytes.Length} bytes do not hold a [{string.Join(", ", shape)}] {dtype.TorchName()} tensor", nameof(bytes));
        return FromBytes(bytes, shape, dtype, device ?? Device.CPU);
    }

    private static unsafe Tensor FromBytes(ReadOnlySpan<byte> bytes, long[] shape, ScalarType dtype, Device device)
    {
        Runtime.EnsureInitialized();
        byte dummy = 0;
        fixed (byte* src = bytes)
        fixed (long* p = shape)
            return Tensor.From(NativeMethods.dsft_tensor_from_host(bytes.Length == 0 ? &dummy : src, p, shape.Length, (int)dtype, (int)dtype,
                (int)device.Type, device.Index, 0));
    }
}
