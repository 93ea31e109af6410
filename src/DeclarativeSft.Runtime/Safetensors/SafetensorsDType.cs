namespace DeclarativeSft.Runtime.Safetensors;

/// <summary>Element types a safetensors file may hold that DeclarativeSft reads or writes.</summary>
public enum SafetensorsDType
{
    /// <summary>IEEE 754 single precision ("F32").</summary>
    F32,
    /// <summary>IEEE 754 half precision ("F16").</summary>
    F16,
    /// <summary>bfloat16: the top 16 bits of an F32 ("BF16").</summary>
    BF16,
    /// <summary>64-bit signed integer ("I64").</summary>
    I64,
    /// <summary>32-bit signed integer ("I32").</summary>
    I32,
    /// <summary>IEEE 754 double precision ("F64").</summary>
    F64,
}

/// <summary>Names and sizes of <see cref="SafetensorsDType"/> as the format spells them.</summary>
public static class SafetensorsDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F32 or SafetensorsDType.I32 => 4,
        SafetensorsDType.F16 or SafetensorsDType.BF16 => 2,
        SafetensorsDType.I64 or SafetensorsDType.F64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>The header spelling ("F32", "BF16", …).</summary>
    public static string ToHeaderName(SafetensorsDType dtype) => dtype.ToString();

    /// <summary>Parses the header spelling; null when the dtype is not one DeclarativeSft handles.</summary>
    public static SafetensorsDType? TryParse(string name) => name switch
    {
        "F32" => SafetensorsDType.F32,
        "F16" => SafetensorsDType.F16,
        "BF16" => SafetensorsDType.BF16,
        "I64" => SafetensorsDType.I64,
        "I32" => SafetensorsDType.I32,
        "F64" => SafetensorsDType.F64,
        _ => null,
    };
}
