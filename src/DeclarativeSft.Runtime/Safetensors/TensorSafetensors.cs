using DeclarativeSft.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Safetensors;

/// <summary>Conversions between torch tensors and safetensors entries.</summary>
public static class TensorSafetensors
{
    /// <summary>A write entry holding a copy of <paramref name="t"/>'s data (float tensors optionally converted to <paramref name="as"/>).</summary>
    public static SafetensorsWriteEntry ToEntry(string name, Tensor t, SafetensorsDType? @as = null)
    {
        using var scope = torch.NewDisposeScope();
        var src = t.detach().cpu().contiguous();
        var dtype = @as ?? src.dtype switch
        {
            ScalarType.Float32 => SafetensorsDType.F32,
            ScalarType.Float16 => SafetensorsDType.F16,
            ScalarType.BFloat16 => SafetensorsDType.BF16,
            ScalarType.Int64 => SafetensorsDType.I64,
            ScalarType.Int32 => SafetensorsDType.I32,
            ScalarType.Float64 => SafetensorsDType.F64,
            var other => throw new NotSupportedException($"tensor '{name}' has dtype {other}, which safetensors export does not handle"),
        };
        var target = dtype switch
        {
            SafetensorsDType.F32 => ScalarType.Float32,
            SafetensorsDType.F16 => ScalarType.Float16,
            SafetensorsDType.BF16 => ScalarType.BFloat16,
            SafetensorsDType.I64 => ScalarType.Int64,
            SafetensorsDType.I32 => ScalarType.Int32,
            _ => ScalarType.Float64,
        };
        if (src.dtype != target) src = src.to(target);
        var bytes = new byte[src.numel() * SafetensorsDTypes.SizeOf(dtype)];
        src.CopyBytesTo(bytes); // DeclarativeSft.Torch.TensorBytes
        return new SafetensorsWriteEntry(name, dtype, src.shape, bytes);
    }

    /// <summary>A new tensor with the stored tensor's data, converted to float32 for floating dtypes.</summary>
    public static Tensor Read(SafetensorsFile file, string name, Device device)
    {
        var info = file.GetInfo(name);
        var scalar = info.DType switch
        {
            SafetensorsDType.F32 => ScalarType.Float32,
            SafetensorsDType.F16 => ScalarType.Float16,
            SafetensorsDType.BF16 => ScalarType.BFloat16,
            SafetensorsDType.I64 => ScalarType.Int64,
            SafetensorsDType.I32 => ScalarType.Int32,
            _ => ScalarType.Float64,
        };
        var t = TensorBytes.FromBytes(file.GetBytes(name), info.Shape, scalar, device);
        if (scalar is not (ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float64)) return t;
        using (t) return t.to(ScalarType.Float32);
    }

    /// <summary>Copies the stored tensor into <paramref name="destination"/> in place, checking the shape.</summary>
    public static void CopyInto(SafetensorsFile file, string name, Tensor destination)
    {
        file.CheckShape(file.GetInfo(name), destination.shape);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        destination.copy_(Read(file, name, destination.device));
    }
}
