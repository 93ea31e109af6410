using System.Text.Json;
using DeclarativeSft.Runtime.Safetensors;

namespace DeclarativeSft.Runtime.Tests.Safetensors;

/// <summary>Files written by an independent struct+json writer (PyTorch for dtype rounding) are read by us, and
/// files we write are read back by that independent reader.</summary>
public class SafetensorsInteropTests
{
    private sealed record Expected(string dtype, long[] shape, double[] values);

    private static Dictionary<string, Expected> Parse(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, Expected>>(json)!;

    [Fact]
    public void Reads_every_dtype_written_by_Python()
    {
        using var dir = new TempFolder();
        var expected = Parse(PythonOracle.Run("safetensors_oracle.py", "write", dir.Path));
        using var file = SafetensorsFile.Open(dir["mixed.safetensors"]);
        Assert.Equal(["w.f32", "w.f16", "w.bf16", "ids.i64", "scalar"], file.TensorNames);
        Assert.Equal("pt", file.Metadata["format"]);
        foreach (var name in new[] { "w.f32", "w.f16", "w.bf16", "scalar" })
        {
            var e = expected[name];
            var info = file.GetInfo(name);
            Assert.Equal(e.dtype, info.DType.ToString());
            Assert.Equal(e.shape, info.Shape);
            var got = file.ReadFloat32(name);
            Assert.Equal(e.values.Length, got.Length);
            for (int i = 0; i < got.Length; i++) Assert.Equal((float)e.values[i], got[i]);
        }
        var ids = file.ReadInt64("ids.i64", [2, 3]);
        Assert.Equal(expected["ids.i64"].values.Select(v => (long)v), ids);
    }

    [Fact]
    public void Reads_sharded_checkpoint_through_index()
    {
        using var dir = new TempFolder();
        var expected = Parse(PythonOracle.Run("safetensors_oracle.py", "write", dir.Path));
        using var cp = SafetensorsCheckpoint.Open(dir["sharded"]);
        Assert.Equal(3, cp.TensorNames.Count);
        foreach (var name in new[] { "model.a.weight", "model.b.weight", "lm_head.weight" })
        {
            var got = cp.ReadFloat32(name, expected[name].shape);
            Assert.Equal(expected[name].values.Select(v => (float)v), got);
        }
        Assert.EndsWith("model-00002-of-00002.safetensors", cp.FileOf("lm_head.weight").Path);
    }

    [Fact]
    public void Python_reads_what_we_write()
    {
        using var dir = new TempFolder();
        var rng = new Random(3);
        var src = Enumerable.Range(0, 24).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        src[0] = 1.00390625f; // exactly halfway between two bf16 values: ties-to-even must match torch
        src[1] = 1.01171875f;
        var path = dir["ours.safetensors"];
        SafetensorsWriter.Write(path,
        [
            SafetensorsWriteEntry.FromFloat32("a.f32", [4, 6], src),
            SafetensorsWriteEntry.FromFloat32("a.f16", [24], src, SafetensorsDType.F16),
            SafetensorsWriteEntry.FromFloat32("a.bf16", [2, 3, 4], src, SafetensorsDType.BF16),
            SafetensorsWriteEntry.FromInt64("ids", [3], [7L, -1L, 1L << 50]),
        ]);
        var read = Parse(PythonOracle.Run("safetensors_oracle.py", "read", path));
        Assert.Equal(src.Select(v => (double)v), read["a.f32"].values);
        Assert.Equal([4L, 6L], read["a.f32"].shape);
        Assert.Equal(src.Select(v => (double)(float)(Half)v), read["a.f16"].values);
        Assert.Equal([7.0, -1.0, (double)(1L << 50)], read["ids"].values);

        // bf16 rounding must agree bit for bit with torch's float32 -> bfloat16 conversion.
        var torchBits = JsonSerializer.Deserialize<int[]>(PythonOracle.Run("safetensors_oracle.py",
            ["tobf16", .. src.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))]))!;
        var ourValues = read["a.bf16"].values;
        for (int i = 0; i < src.Length; i++)
            Assert.Equal(BitConverter.Int32BitsToSingle(torchBits[i] << 16), (float)ourValues[i]);
        Assert.Equal([2L, 3L, 4L], read["a.bf16"].shape);
    }

    [Fact]
    public void Sharded_write_round_trips_through_index()
    {
        using var dir = new TempFolder();
        var entries = Enumerable.Range(0, 5)
            .Select(i => SafetensorsWriteEntry.FromFloat32($"model.layers.{i}.w", [16], Enumerable.Range(0, 16).Select(j => (float)(i * 100 + j)).ToArray()))
            .ToList();
        SafetensorsWriter.WriteCheckpoint(dir.Path, entries, maxShardBytes: 130);
        Assert.True(File.Exists(dir[SafetensorsCheckpoint.IndexFileName]));
        Assert.True(Directory.GetFiles(dir.Path, "model-*-of-*.safetensors").Length >= 3);
        using var cp = SafetensorsCheckpoint.Open(dir.Path);
        for (int i = 0; i < 5; i++)
        {
            var read = Parse(PythonOracle.Run("safetensors_oracle.py", "read", cp.FileOf($"model.layers.{i}.w").Path));
            Assert.Equal(Enumerable.Range(0, 16).Select(j => (double)(i * 100 + j)), read[$"model.layers.{i}.w"].values);
        }
    }
}
