namespace DeclarativeSft.Runtime.Safetensors;

/// <summary>One header entry: a tensor's element type, shape and where its bytes lie
/// (<see cref="DataStart"/> is relative to the start of the data section, after the header).</summary>
public sealed record SafetensorsTensorInfo(string Name, SafetensorsDType DType, long[] Shape, long DataStart, long DataEnd)
{
    /// <summary>Number of elements (1 for a scalar of shape []).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape) n = checked(n * d);
            return n;
        }
    }

    /// <summary>Bytes of the tensor's data.</summary>
    public long ByteLength => DataEnd - DataStart;

    /// <summary>The shape as "[a, b]" for messages.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
