using System.Text.Json;

namespace DeclarativeSft.Runtime.Safetensors;

/// <summary>
/// The weights of a Hugging Face checkpoint folder, single-file (model.safetensors) or sharded
/// (model.safetensors.index.json naming model-0000k-of-0000n.safetensors). Tensors are looked up by name
/// across shards; every shard stays memory-mapped until Dispose.
/// </summary>
public sealed class SafetensorsCheckpoint : IDisposable
{
    /// <summary>The index file name Hugging Face uses for sharded checkpoints.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsFile> _byTensor;

    /// <summary>The folder or file the checkpoint was opened from.</summary>
    public string Source { get; }

    /// <summary>All tensor names, in file then header order.</summary>
    public IReadOnlyList<string> TensorNames { get; }

    private SafetensorsCheckpoint(string source, List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> byTensor, List<string> names)
    {
        Source = source;
        _files = files;
        _byTensor = byTensor;
        TensorNames = names;
    }

    /// <summary>Opens a folder (index or model.safetensors) or a single .safetensors file.</summary>
    public static SafetensorsCheckpoint Open(string folderOrFile)
    {
        var full = Path.GetFullPath(folderOrFile);
        if (File.Exists(full) && full.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return OpenIndex(full);
        if (File.Exists(full))
            return FromFiles(full, [full]);
        if (!Directory.Exists(full))
            throw new SafetensorsException($"{full}: checkpoint folder not found.");
        var index = Path.Combine(full, IndexFileName);
        if (File.Exists(index)) return OpenIndex(index);
        var single = Path.Combine(full, "model.safetensors");
        if (File.Exists(single)) return FromFiles(full, [single]);
        var any = Directory.GetFiles(full, "*.safetensors").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        if (any.Length == 1) return FromFiles(full, any);
        throw new SafetensorsException(any.Length == 0
            ? $"{full}: no model.safetensors or {IndexFileName} in the checkpoint folder. Point model.path at a Hugging Face folder with safetensors weights."
            : $"{full}: {any.Length} .safetensors files but no {IndexFileName} to say which holds what.");
    }

    private static SafetensorsCheckpoint OpenIndex(string indexPath)
    {
        var dir = Path.GetDirectoryName(indexPath)!;
        Dictionary<string, string> weightMap;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (!doc.RootElement.TryGetProperty("weight_map", out var wm) || wm.ValueKind != JsonValueKind.Object)
                throw new SafetensorsException($"{indexPath}: missing object 'weight_map'.");
            weightMap = new(StringComparer.Ordinal);
            foreach (var p in wm.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                    throw new SafetensorsException($"{indexPath}: weight_map entry '{p.Name}' must be a file name string.");
                weightMap[p.Name] = p.Value.GetString()!;
            }
        }
        catch (JsonException e)
        {
            throw new SafetensorsException($"{indexPath}: not valid JSON ({e.Message}).", e);
        }
        var shardNames = weightMap.Values.Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal).ToList();
        foreach (var s in shardNames)
            if (s.Contains("..") || Path.IsPathRooted(s))
                throw new SafetensorsException($"{indexPath}: shard name '{s}' must be a file in the same folder.");
        var cp = FromFiles(indexPath, shardNames.Select(s => Path.Combine(dir, s)).ToList());
        foreach (var (tensor, shard) in weightMap)
        {
            if (!cp._byTensor.TryGetValue(tensor, out var file))
                throw new SafetensorsException($"{indexPath}: tensor '{tensor}' is mapped to {shard} but that shard does not contain it.");
            if (!string.Equals(Path.GetFileName(file.Path), shard, StringComparison.Ordinal))
                throw new SafetensorsException($"{indexPath}: tensor '{tensor}' is mapped to {shard} but found in {Path.GetFileName(file.Path)}.");
        }
        return cp;
    }

    private static SafetensorsCheckpoint FromFiles(string source, IReadOnlyList<string> paths)
    {
        var files = new List<SafetensorsFile>();
        var byTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var names = new List<string>();
        try
        {
            foreach (var p in paths)
            {
                if (!File.Exists(p)) throw new SafetensorsException($"{source}: shard {p} is missing.");
                var f = SafetensorsFile.Open(p);
                files.Add(f);
                foreach (var n in f.TensorNames)
                {
                    if (byTensor.TryGetValue(n, out var other))
                        throw new SafetensorsException($"{source}: tensor '{n}' appears in both {other.Path} and {f.Path}.");
                    byTensor[n] = f;
                    names.Add(n);
                }
            }
        }
        catch
        {
            foreach (var f in files) f.Dispose();
            throw;
        }
        return new SafetensorsCheckpoint(source, files, byTensor, names);
    }

    /// <summary>Whether any shard holds <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byTensor.ContainsKey(name);

    /// <summary>The shard that holds <paramref name="name"/>; throws naming the checkpoint and tensor when none does.</summary>
    public SafetensorsFile FileOf(string name)
    {
        if (_byTensor.TryGetValue(name, out var f)) return f;
        throw new SafetensorsException($"{Source}: the checkpoint has no tensor '{name}'. Check that config.json's architecture matches the weights.");
    }

    /// <summary>Header entry of a tensor.</summary>
    public SafetensorsTensorInfo GetInfo(string name) => FileOf(name).GetInfo(name);

    /// <summary>A float tensor as float32, shape-checked.</summary>
    public float[] ReadFloat32(string name, long[]? expectedShape = null) => FileOf(name).ReadFloat32(name, expectedShape);

    /// <summary>Unmaps every shard.</summary>
    public void Dispose()
    {
        foreach (var f in _files) f.Dispose();
    }
}
