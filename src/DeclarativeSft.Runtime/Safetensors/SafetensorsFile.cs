using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace DeclarativeSft.Runtime.Safetensors;

/// <summary>
/// A single .safetensors file opened read-only through a memory map: tensor bytes are read straight from
/// the page cache, so loading a multi-GB checkpoint copies each tensor once (into its destination) rather
/// than through an intermediate buffer. The header is validated completely on open, so later reads cannot
/// run past the end of the file.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private readonly long _dataOffset;
    private readonly Dictionary<string, SafetensorsTensorInfo> _tensors;
    private bool _disposed;

    /// <summary>The path the file was opened from (used in every error message).</summary>
    public string Path { get; }

    /// <summary>The optional "__metadata__" string map of the header.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Tensor names in header order.</summary>
    public IReadOnlyList<string> TensorNames { get; }

    private SafetensorsFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* basePtr,
        long dataOffset, Dictionary<string, SafetensorsTensorInfo> tensors, List<string> order, Dictionary<string, string> metadata)
    {
        Path = path;
        _map = map;
        _view = view;
        _base = basePtr;
        _dataOffset = dataOffset;
        _tensors = tensors;
        TensorNames = order;
        Metadata = metadata;
    }

    /// <summary>Opens and validates <paramref name="path"/>. Throws <see cref="SafetensorsException"/> for a
    /// missing, truncated or malformed file.</summary>
    public static SafetensorsFile Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new SafetensorsException($"{full}: safetensors file not found.");
        // Hugging Face's hub cache stores model.safetensors as a symbolic link to blobs/<sha256>: the size (and the
        // map) are the final target's, not the link's.
        long length = ResolveLinks(full).Length;
        if (length < 8)
            throw new SafetensorsException($"{full}: truncated safetensors file ({length} bytes; at least the 8-byte header length is required). Re-download or re-export the checkpoint.");

        MemoryMappedFile map;
        try { map = MemoryMappedFile.CreateFromFile(full, FileMode.Open, mapName: null, 0, MemoryMappedFileAccess.Read); }
        catch (Exception e) when (UserErrorException.FromIo(e, full, "cannot read the safetensors file") is { } user) { throw user; }
        MemoryMappedViewAccessor? view = null;
        byte* ptr = null;
        bool ok = false;
        try
        {
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref ptr);
            ptr += view.PointerOffset;

            ulong headerLen = *(ulong*)ptr; // little-endian on every platform .NET runs here
            if (headerLen > (ulong)(length - 8))
                throw new SafetensorsException($"{full}: malformed or truncated safetensors file: header claims {headerLen} bytes but only {length - 8} follow the length field.");
            if (headerLen > 100_000_000)
                throw new SafetensorsException($"{full}: malformed safetensors header: length {headerLen} exceeds the 100 MB limit.");
            var headerSpan = new ReadOnlySpan<byte>(ptr + 8, (int)headerLen);
            long dataOffset = 8 + (long)headerLen;
            long dataLength = length - dataOffset;
            var (tensors, order, metadata) = ParseHeader(full, headerSpan, dataLength);
            ok = true;
            return new SafetensorsFile(full, map, view, ptr, dataOffset, tensors, order, metadata);
        }
        finally
        {
            if (!ok)
            {
                if (ptr != null) view!.SafeMemoryMappedViewHandle.ReleasePointer();
                view?.Dispose();
                map.Dispose();
            }
        }
    }

    /// <summary>The file a path names after following every symbolic link (the path itself when it is no link).</summary>
    public static FileInfo ResolveLinks(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null) return info;
        try
        {
            return info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo is { Exists: true } target
                ? target
                : throw new SafetensorsException($"{path}: symbolic link to {info.LinkTarget}, which does not exist (an incomplete download?). Download the model again.");
        }
        catch (IOException e)
        {
            throw new SafetensorsException($"{path}: cannot follow the symbolic link ({e.Message}).", e);
        }
    }

    private static (Dictionary<string, SafetensorsTensorInfo>, List<string>, Dictionary<string, string>) ParseHeader(
        string path, ReadOnlySpan<byte> header, long dataLength)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header.ToArray());
        }
        catch (JsonException e)
        {
            throw new SafetensorsException($"{path}: malformed safetensors header (not valid JSON: {e.Message}).", e);
        }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new SafetensorsException($"{path}: malformed safetensors header: expected a JSON object.");

        var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
        var order = new List<string>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var ranges = new List<(long Start, long End, string Name)>();
        foreach (var prop in doc.RootElement.EnumerateObject())
        {
            if (prop.Name == "__metadata__")
            {
                if (prop.Value.ValueKind != JsonValueKind.Object)
                    throw new SafetensorsException($"{path}: malformed safetensors header: __metadata__ must be an object of strings.");
                foreach (var m in prop.Value.EnumerateObject())
                    metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                continue;
            }
            var info = ParseEntry(path, prop.Name, prop.Value, dataLength);
            tensors[prop.Name] = info;
            order.Add(prop.Name);
            ranges.Add((info.DataStart, info.DataEnd, info.Name));
        }
        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (int i = 1; i < ranges.Count; i++)
            if (ranges[i].Start < ranges[i - 1].End)
                throw new SafetensorsException($"{path}: malformed safetensors header: tensors '{ranges[i - 1].Name}' and '{ranges[i].Name}' overlap.");
        return (tensors, order, metadata);
    }

    private static SafetensorsTensorInfo ParseEntry(string path, string name, JsonElement e, long dataLength)
    {
        string Where() => $"{path}: tensor '{name}'";
        if (e.ValueKind != JsonValueKind.Object)
            throw new SafetensorsException($"{Where()}: malformed header entry (expected an object with dtype, shape, data_offsets).");
        if (!e.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw new SafetensorsException($"{Where()}: malformed header entry: missing string 'dtype'.");
        var dtype = SafetensorsDTypes.TryParse(dt.GetString()!)
            ?? throw new SafetensorsException($"{Where()}: unsupported dtype '{dt.GetString()}' (supported: F32, F16, BF16, I64, I32, F64).");
        if (!e.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw new SafetensorsException($"{Where()}: malformed header entry: missing array 'shape'.");
        var shape = new long[sh.GetArrayLength()];
        int k = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var v) || v < 0)
                throw new SafetensorsException($"{Where()}: malformed header entry: shape must be non-negative integers.");
            shape[k++] = v;
        }
        if (!e.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new SafetensorsException($"{Where()}: malformed header entry: 'data_offsets' must be [begin, end].");
        long begin = off[0].TryGetInt64(out var b) ? b : -1, end = off[1].TryGetInt64(out var en) ? en : -1;
        if (begin < 0 || end < begin)
            throw new SafetensorsException($"{Where()}: malformed header entry: data_offsets [{off[0]}, {off[1]}] are not 0 <= begin <= end.");
        if (end > dataLength)
            throw new SafetensorsException($"{Where()}: file is truncated: data ends at byte {end} of the data section but only {dataLength} bytes are present. Re-download or re-export the checkpoint.");
        var info = new SafetensorsTensorInfo(name, dtype, shape, begin, end);
        long expected;
        try { expected = checked(info.ElementCount * SafetensorsDTypes.SizeOf(dtype)); }
        catch (OverflowException) { throw new SafetensorsException($"{Where()}: shape {info.ShapeText} is too large."); }
        if (expected != end - begin)
            throw new SafetensorsException($"{Where()}: shape {info.ShapeText} of {dtype} needs {expected} bytes but data_offsets span {end - begin}.");
        return info;
    }

    /// <summary>Whether the file holds a tensor of that name.</summary>
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>The header entry of <paramref name="name"/>; throws naming file and tensor when absent.</summary>
    public SafetensorsTensorInfo GetInfo(string name)
    {
        if (_tensors.TryGetValue(name, out var info)) return info;
        throw new SafetensorsException($"{Path}: no tensor named '{name}' (the file has {_tensors.Count} tensors).");
    }

    /// <summary>A pointer to the tensor's raw little-endian bytes inside the memory map; valid until Dispose.</summary>
    public byte* GetPointer(string name, out SafetensorsTensorInfo info)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        info = GetInfo(name);
        return _base + _dataOffset + info.DataStart;
    }

    /// <summary>The tensor's raw bytes (tensors over 2 GiB: use <see cref="GetPointer"/>).</summary>
    public ReadOnlySpan<byte> GetBytes(string name)
    {
        var p = GetPointer(name, out var info);
        if (info.ByteLength > int.MaxValue)
            throw new SafetensorsException($"{Path}: tensor '{name}' is {info.ByteLength} bytes; read it through GetPointer.");
        return new ReadOnlySpan<byte>(p, (int)info.ByteLength);
    }

    /// <summary>Reads a floating-point tensor converted to float32, checking its shape when
    /// <paramref name="expectedShape"/> is given.</summary>
    public float[] ReadFloat32(string name, long[]? expectedShape = null)
    {
        var info = GetInfo(name);
        CheckShape(info, expectedShape);
        var bytes = GetBytes(name);
        var result = new float[info.ElementCount];
        DTypeConversion.ToFloat32(info.DType, bytes, result, () => $"{Path}: tensor '{name}'");
        return result;
    }

    /// <summary>Reads an integer tensor (I64 or I32) as longs.</summary>
    public long[] ReadInt64(string name, long[]? expectedShape = null)
    {
        var info = GetInfo(name);
        CheckShape(info, expectedShape);
        var bytes = GetBytes(name);
        return info.DType switch
        {
            SafetensorsDType.I64 => MemoryMarshal.Cast<byte, long>(bytes).ToArray(),
            SafetensorsDType.I32 => Array.ConvertAll(MemoryMarshal.Cast<byte, int>(bytes).ToArray(), v => (long)v),
            _ => throw new SafetensorsException($"{Path}: tensor '{name}' has dtype {info.DType}, expected an integer dtype (I64 or I32)."),
        };
    }

    /// <summary>Throws naming file and tensor when the stored shape differs from <paramref name="expected"/>.</summary>
    public void CheckShape(SafetensorsTensorInfo info, long[]? expected)
    {
        if (expected is null) return;
        if (!info.Shape.AsSpan().SequenceEqual(expected))
            throw new SafetensorsException($"{Path}: tensor '{info.Name}' has shape {info.ShapeText} but the model expects [{string.Join(", ", expected)}]. Check that config.json matches the weights.");
    }

    /// <summary>Releases the memory map.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }
}
