using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Torch;

/// <summary>
/// Raw row-major bytes in and out of tensors of any size. TorchSharp's <c>Tensor.bytes</c> is a
/// <see cref="Span{T}"/>, so it stops at 2 GiB (an embedding table of a 128k-vocabulary 4096-wide model is 2 GiB in
/// fp32); these copy through contiguous 1 GiB slices instead.
/// </summary>
public static class TensorBytes
{
    private const long ChunkBytes = 1L << 30;

    /// <summary>Element size in bytes of <paramref name="type"/>.</summary>
    public static int ElementSize(this ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        _ => throw new NotSupportedException($"dtype {type} has no fixed element size here"),
    };

    /// <summary>A new CPU tensor holding a copy of <paramref name="bytes"/>, moved to <paramref name="device"/>.</summary>
    public static Tensor FromBytes(ReadOnlySpan<byte> bytes, long[] shape, ScalarType dtype, Device? device = null)
    {
        long numel = shape.Aggregate(1L, (a, d) => a * d);
        long expected = numel * dtype.ElementSize();
        if (bytes.Length != expected)
            throw new ArgumentException($"{bytes.Length} bytes do not fill a {dtype} tensor of shape [{string.Join(", ", shape)}] ({expected} bytes)");
        var cpuTensor = empty(shape, dtype);
        using (var flat = cpuTensor.view(-1))
        {
            long perChunk = Math.Max(1, ChunkBytes / dtype.ElementSize());
            for (long start = 0; start < numel; start += perChunk)
            {
                long n = Math.Min(perChunk, numel - start);
                using var part = flat.narrow(0, start, n);
                bytes.Slice((int)(start * dtype.ElementSize()), (int)(n * dtype.ElementSize())).CopyTo(part.bytes);
            }
        }
        if (device is null || device.type == DeviceType.CPU) return cpuTensor;
        using (cpuTensor) return cpuTensor.to(device);
    }

    /// <summary>Copies <paramref name="tensor"/>'s data (any device, any layout) into <paramref name="destination"/>.</summary>
    public static void CopyBytesTo(this Tensor tensor, Span<byte> destination)
    {
        using var scope = NewDisposeScope();
        var flat = tensor.detach().cpu().contiguous().view(-1);
        int size = tensor.dtype.ElementSize();
        long numel = flat.numel();
        if (destination.Length != numel * size)
            throw new ArgumentException($"destination has {destination.Length} bytes, the tensor {numel * size}");
        long perChunk = Math.Max(1, ChunkBytes / size);
        for (long start = 0; start < numel; start += perChunk)
        {
            long n = Math.Min(perChunk, numel - start);
            flat.narrow(0, start, n).bytes.CopyTo(destination.Slice((int)(start * size), (int)(n * size)));
        }
    }

    /// <summary>The tensor's data as a new byte array.</summary>
    public static byte[] ToBytes(this Tensor tensor)
    {
        var result = new byte[tensor.numel() * tensor.dtype.ElementSize()];
        tensor.CopyBytesTo(result);
        return result;
    }
}
