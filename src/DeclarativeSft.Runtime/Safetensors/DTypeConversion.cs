using System.Runtime.InteropServices;

namespace DeclarativeSft.Runtime.Safetensors;

/// <summary>Element-type conversions between stored bytes and float32.</summary>
public static class DTypeConversion
{
    /// <summary>Converts stored elements of <paramref name="dtype"/> to float32.</summary>
    public static void ToFloat32(SafetensorsDType dtype, ReadOnlySpan<byte> src, Span<float> dst, Func<string> where)
    {
        switch (dtype)
        {
            case SafetensorsDType.F32:
                MemoryMarshal.Cast<byte, float>(src).CopyTo(dst);
                break;
            case SafetensorsDType.F16:
            {
                var h = MemoryMarshal.Cast<byte, Half>(src);
                for (int i = 0; i < h.Length; i++) dst[i] = (float)h[i];
                break;
            }
            case SafetensorsDType.BF16:
            {
                var u = MemoryMarshal.Cast<byte, ushort>(src);
                for (int i = 0; i < u.Length; i++) dst[i] = BitConverter.Int32BitsToSingle(u[i] << 16);
                break;
            }
            case SafetensorsDType.F64:
            {
                var d = MemoryMarshal.Cast<byte, double>(src);
                for (int i = 0; i < d.Length; i++) dst[i] = (float)d[i];
                break;
            }
            default:
                throw new SafetensorsException($"{where()}: dtype {dtype} is not a floating-point type.");
        }
    }

    /// <summary>Encodes float32 values as <paramref name="dtype"/> bytes (bf16 rounds to nearest even).</summary>
    public static byte[] FromFloat32(ReadOnlySpan<float> src, SafetensorsDType dtype)
    {
        var bytes = new byte[src.Length * SafetensorsDTypes.SizeOf(dtype)];
        switch (dtype)
        {
            case SafetensorsDType.F32:
                MemoryMarshal.AsBytes(src).CopyTo(bytes);
                break;
            case SafetensorsDType.F16:
            {
                var h = MemoryMarshal.Cast<byte, Half>(bytes.AsSpan());
                for (int i = 0; i < src.Length; i++) h[i] = (Half)src[i];
                break;
            }
            case SafetensorsDType.BF16:
            {
                var u = MemoryMarshal.Cast<byte, ushort>(bytes.AsSpan());
                for (int i = 0; i < src.Length; i++) u[i] = ToBFloat16(src[i]);
                break;
            }
            case SafetensorsDType.F64:
            {
                var d = MemoryMarshal.Cast<byte, double>(bytes.AsSpan());
                for (int i = 0; i < src.Length; i++) d[i] = src[i];
                break;
            }
            default:
                throw new ArgumentException($"cannot encode float32 values as {dtype}", nameof(dtype));
        }
        return bytes;
    }

    /// <summary>float32 → bfloat16 with round-to-nearest-even (NaN stays a quiet NaN), as PyTorch does.</summary>
    public static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }
}
