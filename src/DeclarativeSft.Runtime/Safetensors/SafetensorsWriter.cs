using System.Text;
using System.Text.Json;

namespace DeclarativeSft.Runtime.Safetensors;

/// <summary>One tensor to write: name, element type, shape and its little-endian bytes.</summary>
public sealed record SafetensorsWriteEntry(string Name, SafetensorsDType DType, long[] Shape, ReadOnlyMemory<byte> Data)
{
    /// <summary>A float32 tensor stored as <paramref name="dtype"/>.</summary>
    public static SafetensorsWriteEntry FromFloat32(string name, long[] shape, ReadOnlySpan<float> values, SafetensorsDType dtype = SafetensorsDType.F32)
        => new(name, dtype, shape, DTypeConversion.FromFloat32(values, dtype));

    /// <summary>An int64 tensor.</summary>
    public static SafetensorsWriteEntry FromInt64(string name, long[] shape, ReadOnlySpan<long> values)
        => new(name, SafetensorsDType.I64, shape, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray());
}

/// <summary>
/// Writes safetensors files: 8-byte header length, JSON header padded with spaces to a multiple of 8,
/// then the tensors back to back. Each file goes to a temporary name in the same folder and is renamed
/// into place, so a reader never sees a half-written checkpoint.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="entries"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IReadOnlyList<SafetensorsWriteEntry> entries, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var full = Path.GetFullPath(path);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            if (!names.Add(e.Name)) throw new ArgumentException($"{full}: tensor '{e.Name}' appears twice.");
            long n = 1;
            foreach (var d in e.Shape) n = checked(n * d);
            long want = n * SafetensorsDTypes.SizeOf(e.DType);
            if (want != e.Data.Length)
                throw new ArgumentException($"{full}: tensor '{e.Name}' has shape [{string.Join(", ", e.Shape)}] of {e.DType} ({want} bytes) but {e.Data.Length} bytes were given.");
        }

        byte[] header = BuildHeader(entries, metadata ?? new Dictionary<string, string> { ["format"] = "pt" });
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> len = stackalloc byte[8];
                BitConverter.TryWriteBytes(len, (ulong)header.Length);
                fs.Write(len);
                fs.Write(header);
                foreach (var e in entries) fs.Write(e.Data.Span);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(tmp); } catch { /* best effort: the original error matters more */ }
            if (UserErrorException.FromIo(e, full, "cannot write the safetensors file") is { } user) throw user;
            throw;
        }
    }

    private static byte[] BuildHeader(IReadOnlyList<SafetensorsWriteEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (metadata.Count > 0)
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var e in entries)
            {
                w.WriteStartObject(e.Name);
                w.WriteString("dtype", SafetensorsDTypes.ToHeaderName(e.DType));
                w.WriteStartArray("shape");
                foreach (var d in e.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + e.Data.Length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += e.Data.Length;
            }
            w.WriteEndObject();
        }
        var json = ms.ToArray();
        int padded = (json.Length + 7) / 8 * 8;
        var header = new byte[padded];
        json.CopyTo(header, 0);
        for (int i = json.Length; i < padded; i++) header[i] = (byte)' ';
        return header;
    }

    /// <summary>
    /// Writes a Hugging Face checkpoint's weights into <paramref name="folder"/>: one model.safetensors when the
    /// total is at most <paramref name="maxShardBytes"/>, otherwise model-0000k-of-0000n.safetensors shards plus
    /// model.safetensors.index.json (weight_map and metadata.total_size).
    /// </summary>
    public static void WriteCheckpoint(string folder, IReadOnlyList<SafetensorsWriteEntry> entries, long maxShardBytes = 5L << 30)
    {
        Directory.CreateDirectory(folder);
        long total = entries.Sum(e => (long)e.Data.Length);
        if (total <= maxShardBytes)
        {
            Write(Path.Combine(folder, "model.safetensors"), entries);
            return;
        }
        var shards = new List<List<SafetensorsWriteEntry>> { new() };
        long current = 0;
        foreach (var e in entries)
        {
            if (current > 0 && current + e.Data.Length > maxShardBytes)
            {
                shards.Add(new());
                current = 0;
            }
            shards[^1].Add(e);
            current += e.Data.Length;
        }
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < shards.Count; i++)
        {
            var file = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            Write(Path.Combine(folder, file), shards[i]);
            foreach (var e in shards[i]) weightMap[e.Name] = file;
        }
        var index = new { metadata = new { total_size = total }, weight_map = weightMap };
        AtomicFile.WriteAllText(Path.Combine(folder, SafetensorsCheckpoint.IndexFileName),
            JsonSerializer.Serialize(index, new JsonSerializerOptions { WriteIndented = true }));
    }
}
