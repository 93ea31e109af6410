using System.Security.Cryptography;
using System.Text;
using DeclarativeSft.Data;

namespace DeclarativeSft.Runtime.Caching;

/// <summary>
/// The tokenized, masked and packed training data of a recipe, kept on disk under a key that hashes every input that
/// decides it: the bytes of the data, validation and tokenizer files, the template, mask, length, truncation, packing,
/// mixing and seed settings, and the identity of the code that prepares it (so a new build of the tokenizer or the
/// template engine never reuses rows made by the old one). A run whose inputs are unchanged reads the rows instead of
/// rendering and tokenizing again; any changed input gives another key, and so a miss. Files are written atomically
/// (temporary name, rename); a file that cannot be read back whole is a miss, never an error.
/// </summary>
public static class PreparationCache
{
    /// <summary>Bumped when the file layout changes.</summary>
    public const int FormatVersion = 1;

    private const string Magic = "SFTPREP";

    /// <summary>One input of the key: a setting (name and value) or a file (name and path; its bytes are hashed).</summary>
    public sealed record Input(string Name, string? Value, string? FilePath = null)
    {
        /// <summary>A setting.</summary>
        public static Input Setting(string name, object? value) =>
            new(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "null");

        /// <summary>A file whose content is part of the key (null path: absent).</summary>
        public static Input File(string name, string? path) => new(name, null, path);
    }

    /// <summary>The hex SHA-256 over <paramref name="inputs"/> (names, values, file contents) and the code's identity.</summary>
    public static string Key(IEnumerable<Input> inputs)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        Add($"format {FormatVersion}");
        foreach (var assembly in new[] { typeof(DataPipeline).Assembly, typeof(Tokenizers.ITokenizer).Assembly, typeof(Jinja.JinjaTemplate).Assembly })
            Add($"code {assembly.GetName().Name} {assembly.ManifestModule.ModuleVersionId}");
        foreach (var input in inputs)
        {
            if (input.FilePath is null && input.Value is not null) { Add($"{input.Name}={input.Value}"); continue; }
            if (input.FilePath is null || !System.IO.File.Exists(input.FilePath)) { Add($"{input.Name}=<none>"); continue; }
            using var file = System.IO.File.OpenRead(input.FilePath);
            Add($"{input.Name}=sha256:{Convert.ToHexString(SHA256.HashData(file))}");
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>Where the entry of <paramref name="key"/> lives in <paramref name="folder"/>.</summary>
    public static string PathOf(string folder, string key) => Path.Combine(folder, $"prepared-{key[..16]}.bin");

    /// <summary>The prepared data stored under <paramref name="key"/>, or null (absent, another key, unreadable).</summary>
    public static PreparedData? TryRead(string folder, string key, DataPipelineOptions options, int padTokenId)
    {
        var path = PathOf(folder, key);
        if (!System.IO.File.Exists(path)) return null;
        try
        {
            using var reader = new BinaryReader(System.IO.File.OpenRead(path), Encoding.UTF8);
            if (reader.ReadString() != Magic || reader.ReadInt32() != FormatVersion || reader.ReadString() != key) return null;
            var tags = ReadList(reader, r => r.ReadString());
            var summary = new PreparationSummary(ReadList(reader, r => r.ReadInt32()), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
            var sources = ReadList(reader, r => (IReadOnlyList<TokenizedExample>)ReadList(r, ReadExample));
            var validationRows = ReadList(reader, ReadRow);
            var fixedRows = reader.ReadBoolean() ? ReadList(reader, ReadRow) : null;
            if (reader.ReadString() != Magic) return null; // cut short
            return DataPipeline.Assemble(tags, sources, [], summary, options, padTokenId, fixedRows, validationRows);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or FormatException or ArgumentException or InvalidOperationException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="data"/> under <paramref name="key"/> (atomically) and removes the folder's other entries.</summary>
    public static void Write(string folder, string key, PreparedData data)
    {
        var mix = data.Mix;
        if (mix.Sources is null) throw new ArgumentException("a mix of prebuilt rows cannot be cached");
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write(key);
            WriteList(w, mix.Tags, (w2, t) => w2.Write(t));
            WriteList(w, data.Summary.TrainExamples, (w2, n) => w2.Write(n));
            w.Write(data.Summary.ValidationExamples);
            w.Write(data.Summary.Dropped);
            w.Write(data.Summary.Truncated);
            WriteList(w, mix.Sources, (w2, source) => WriteList(w2, source, WriteExample));
            WriteList(w, data.ValidationRows, WriteRow);
            w.Write(mix.FixedRows is not null);
            if (mix.FixedRows is not null) WriteList(w, mix.FixedRows, WriteRow);
            w.Write(Magic);
        }
        var path = PathOf(folder, key);
        AtomicFile.WriteAllBytes(path, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        foreach (var other in Directory.EnumerateFiles(folder, "prepared-*.bin"))
            if (!string.Equals(Path.GetFullPath(other), Path.GetFullPath(path), StringComparison.Ordinal))
                try { System.IO.File.Delete(other); } catch (IOException) { } // another process may hold it; it is only a cache
    }

    private static void WriteList<T>(BinaryWriter w, IReadOnlyList<T> items, Action<BinaryWriter, T> write)
    {
        w.Write(items.Count);
        foreach (var item in items) write(w, item);
    }

    private static List<T> ReadList<T>(BinaryReader r, Func<BinaryReader, T> read)
    {
        int n = r.ReadInt32();
        if (n < 0 || n > r.BaseStream.Length) throw new FormatException("bad count");
        var list = new List<T>(n);
        for (int i = 0; i < n; i++) list.Add(read(r));
        return list;
    }

    private static void WriteInts(BinaryWriter w, int[]? values)
    {
        if (values is null) { w.Write(-1); return; }
        w.Write(values.Length);
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static int[]? ReadInts(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n == -1) return null;
        if (n < 0 || 4L * n > r.BaseStream.Length) throw new FormatException("bad length");
        var bytes = r.ReadBytes(4 * n);
        if (bytes.Length != 4 * n) throw new EndOfStreamException();
        var values = new int[n];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    private static void WriteExample(BinaryWriter w, TokenizedExample e)
    {
        w.Write(e.Tag);
        WriteInts(w, e.InputIds);
        WriteInts(w, e.Labels);
    }

    private static TokenizedExample ReadExample(BinaryReader r)
    {
        int tag = r.ReadInt32();
        return new TokenizedExample(ReadInts(r) ?? throw new FormatException(), ReadInts(r) ?? throw new FormatException(), tag);
    }

    private static void WriteRow(BinaryWriter w, PackedRow row)
    {
        WriteInts(w, row.InputIds);
        WriteInts(w, row.Labels);
        WriteInts(w, row.PositionIds);
        WriteInts(w, row.SegmentIds);
        WriteInts(w, row.SegmentTags);
    }

    private static PackedRow ReadRow(BinaryReader r) =>
        new(ReadInts(r) ?? throw new FormatException(), ReadInts(r) ?? throw new FormatException(),
            ReadInts(r) ?? throw new FormatException(), ReadInts(r) ?? throw new FormatException(), ReadInts(r));
}
