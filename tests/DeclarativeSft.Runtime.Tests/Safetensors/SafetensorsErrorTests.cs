using System.Text;
using DeclarativeSft.Runtime.Safetensors;

namespace DeclarativeSft.Runtime.Tests.Safetensors;

/// <summary>Damaged files give an error naming the file and the tensor, never a crash or silent garbage.</summary>
public class SafetensorsErrorTests
{
    private static byte[] Build(string headerJson, int dataBytes)
    {
        var h = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + h.Length + dataBytes];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), (ulong)h.Length);
        h.CopyTo(bytes, 8);
        return bytes;
    }

    private static SafetensorsException OpenFails(TempFolder dir, byte[] bytes)
    {
        var path = dir["bad.safetensors"];
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<SafetensorsException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains(path, e.Message);
        return e;
    }

    [Fact]
    public void Header_length_past_end_of_file_is_truncation()
    {
        using var dir = new TempFolder();
        var bytes = Build("{}", 0);
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), 1000UL);
        Assert.Contains("truncated", OpenFails(dir, bytes).Message);
    }

    [Fact]
    public void File_shorter_than_length_field_is_truncation()
    {
        using var dir = new TempFolder();
        Assert.Contains("truncated", OpenFails(dir, [1, 2, 3]).Message);
    }

    [Fact]
    public void Invalid_JSON_header_is_malformed()
    {
        using var dir = new TempFolder();
        Assert.Contains("not valid JSON", OpenFails(dir, Build("{\"a\": [", 0)).Message);
    }

    [Fact]
    public void Data_past_end_of_file_names_the_tensor()
    {
        using var dir = new TempFolder();
        var e = OpenFails(dir, Build("{\"layer.w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8));
        Assert.Contains("'layer.w'", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Shape_that_disagrees_with_offsets_names_the_tensor()
    {
        using var dir = new TempFolder();
        var e = OpenFails(dir, Build("{\"emb\":{\"dtype\":\"BF16\",\"shape\":[3,3],\"data_offsets\":[0,16]}}", 16));
        Assert.Contains("'emb'", e.Message);
        Assert.Contains("[3, 3]", e.Message);
    }

    [Fact]
    public void Unknown_dtype_names_the_tensor_and_the_dtype()
    {
        using var dir = new TempFolder();
        var e = OpenFails(dir, Build("{\"q\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2));
        Assert.Contains("'q'", e.Message);
        Assert.Contains("F8_E4M3", e.Message);
    }

    [Fact]
    public void Expected_shape_mismatch_names_file_and_tensor()
    {
        using var dir = new TempFolder();
        var path = dir["w.safetensors"];
        SafetensorsWriter.Write(path, [SafetensorsWriteEntry.FromFloat32("model.norm.weight", [4], [1, 2, 3, 4])]);
        using var f = SafetensorsFile.Open(path);
        var e = Assert.Throws<SafetensorsException>(() => f.ReadFloat32("model.norm.weight", [8]));
        Assert.Contains(path, e.Message);
        Assert.Contains("'model.norm.weight'", e.Message);
        Assert.Contains("[8]", e.Message);
        var missing = Assert.Throws<SafetensorsException>(() => f.ReadFloat32("lm_head.weight"));
        Assert.Contains("'lm_head.weight'", missing.Message);
        var dtype = Assert.Throws<SafetensorsException>(() => f.ReadInt64("model.norm.weight"));
        Assert.Contains("F32", dtype.Message);
    }

    [Fact]
    public void Index_pointing_at_wrong_shard_is_reported()
    {
        using var dir = new TempFolder();
        SafetensorsWriter.Write(dir["model-00001-of-00001.safetensors"], [SafetensorsWriteEntry.FromFloat32("a", [1], [1])]);
        File.WriteAllText(dir[SafetensorsCheckpoint.IndexFileName], "{\"weight_map\":{\"a\":\"model-00001-of-00001.safetensors\",\"b\":\"model-00001-of-00001.safetensors\"}}");
        var e = Assert.Throws<SafetensorsException>(() => SafetensorsCheckpoint.Open(dir.Path));
        Assert.Contains("'b'", e.Message);
    }

    [Fact]
    public void Writer_leaves_no_temp_file_and_replaces_atomically()
    {
        using var dir = new TempFolder();
        var path = dir["m.safetensors"];
        SafetensorsWriter.Write(path, [SafetensorsWriteEntry.FromFloat32("x", [2], [1, 2])]);
        SafetensorsWriter.Write(path, [SafetensorsWriteEntry.FromFloat32("x", [2], [3, 4])]);
        Assert.Single(Directory.GetFiles(dir.Path));
        using var f = SafetensorsFile.Open(path);
        Assert.Equal([3f, 4f], f.ReadFloat32("x"));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [new SafetensorsWriteEntry("y", SafetensorsDType.F32, [3], new byte[8])]));
    }
}
