using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Torch;

/// <summary>Named tensors in a file of the safetensors layout: checkpoints, optimizer state, test fixtures.</summary>
public static class TensorFile
{
    /// <summary>Writes named tensors to <paramref name="path"/> in the safetensors layout (8-byte little-endian header
    /// length, JSON header, raw row-major data), so Python's safetensors can read it too. The file is written to a
    /// temporary name and renamed, so a crash never leaves a half-written file.</summary>
    public static void Save(IReadOnlyDictionary<string, Tensor> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        var header = new Dictionary<string, object>();
        if (metadata is not null) header["__metadata__"] = metadata;
        long offset = 0;
        var sizes = new long[names.Length];
        for (int k = 0; k < names.Length; k++)
        {
            var t = tensors[names[k]];
            sizes[k] = t.numel() * t.dtype.ElementSize();
            header[names[k]] = new Dictionary<string, object>
            {
                ["dtype"] = SafetensorsDtype(t.dtype),
                ["shape"] = t.shape,
                ["data_offsets"] = new[] { offset, offset + sizes[k] },
            };
            offset += sizes[k];
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        // safetensors pads the header with spaces to a multiple of 8 so the data is aligned.
        int padded = (json.Length + 7) / 8 * 8;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
                stream.Write(len);
                stream.Write(json);
                for (int k = json.Length; k < padded; k++) stream.WriteByte((byte)' ');
                for (int k = 0; k < names.Length; k++)
                {
                    var buffer = new byte[sizes[k]];
                    tensors[names[k]].CopyBytesTo(buffer);
                    stream.Write(buffer);
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Reads a file written by <see cref="Save"/> (or any safetensors file) onto <paramref name="device"/>.</summary>
    public static Dictionary<string, Tensor> Load(string path, Device? device = null)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw new UserErrorException($"{path}: too short to be a safetensors file");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8)) throw new UserErrorException($"{path}: header length {headerLength} exceeds the file size");
        using var doc = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        long dataStart = 8 + (long)headerLength;
        var result = new Dictionary<string, Tensor>();
        try
        {
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__") continue;
                var dtype = ParseSafetensorsDtype(entry.Value.GetProperty("dtype").GetString()!, path, entry.Name);
                var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                long begin = dataStart + offsets[0], end = dataStart + offsets[1];
                if (offsets.Length != 2 || begin > end || end > bytes.Length)
                    throw new UserErrorException($"{path}: tensor '{entry.Name}' has data offsets outside the file");
                result[entry.Name] = TensorBytes.FromBytes(bytes.AsSpan((int)begin, (int)(end - begin)), shape, dtype, device).DetachFromDisposeScope();
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    private static string SafetensorsDtype(ScalarType type) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float64 => "F64",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Float16 => "F16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"cannot save dtype {type}"),
    };

    private static ScalarType ParseSafetensorsDtype(string name, string path, string tensor) => name switch
    {
        "F32" => ScalarType.Float32,
        "F64" => ScalarType.Float64,
        "BF16" => ScalarType.BFloat16,
        "F16" => ScalarType.Float16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new UserErrorException($"{path}: tensor '{tensor}' has unsupported dtype '{name}'"),
    };
}
