using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Torch.Tests;

public class TensorFileTests : TorchTest
{
    private static Dictionary<string, Tensor> EveryDtype(torch.Generator g) => new()
    {
        ["f32"] = torch.randn(new long[] { 3, 2 }, generator: g),
        ["bf16"] = torch.randn(new long[] { 5 }, dtype: torch.bfloat16, generator: g),
        ["f16"] = torch.randn(new long[] { 2, 2 }, dtype: torch.float16, generator: g),
        ["f64"] = torch.randn(new long[] { 1 }, dtype: torch.float64, generator: g),
        ["i64"] = torch.arange(-3, 4),
        ["i32"] = torch.tensor(new int[] { int.MinValue, -1, 0, int.MaxValue }),
        ["i16"] = torch.tensor(new short[] { short.MinValue, 7, short.MaxValue }),
        ["i8"] = torch.tensor(new sbyte[] { -128, 0, 127 }),
        ["u8"] = torch.tensor(new byte[] { 0, 200, 255 }, new long[] { 3, 1 }),
        ["bool"] = torch.tensor(new[] { true, false, true }),
        ["scalar"] = torch.tensor(2.5f),
        ["empty"] = torch.zeros(new long[] { 0, 3 }),
    };

    [Fact]
    public void Save_load_round_trips_every_dtype_exactly()
    {
        using var temp = new TempFolder("dsft-save-");
        var path = temp["save.safetensors"];
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(1);
        var tensors = EveryDtype(g);
        TensorFile.Save(tensors, path, new Dictionary<string, string> { ["format"] = "pt" });
        var loaded = TensorFile.Load(path);
        foreach (var t in loaded.Values) scope.Attach(t);
        Assert.Equal(tensors.Keys.OrderBy(k => k), loaded.Keys.OrderBy(k => k));
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.dtype, loaded[name].dtype);
            Assert.Equal(t.shape, loaded[name].shape);
            Assert.Equal(t.ToBytes(), loaded[name].ToBytes());
        }
        Assert.Equal(new[] { true, false, true }, loaded["bool"].data<bool>().ToArray());
        Assert.Equal(0, loaded["scalar"].dim());
    }

    [Fact]
    public void File_has_the_safetensors_layout()
    {
        using var temp = new TempFolder("dsft-layout-");
        var path = temp["layout.safetensors"];
        using var scope = torch.NewDisposeScope();
        TensorFile.Save(new Dictionary<string, Tensor>
        {
            ["b"] = torch.tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 }),
            ["a"] = torch.tensor(new long[] { 7 }),
        }, path, new Dictionary<string, string> { ["note"] = "x" });
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8); // data aligned
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength).TrimEnd(' '));
        Assert.Equal("x", header.RootElement.GetProperty("__metadata__").GetProperty("note").GetString());
        var a = header.RootElement.GetProperty("a");
        Assert.Equal("I64", a.GetProperty("dtype").GetString());
        Assert.Equal(new long[] { 0, 8 }, a.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        var b = header.RootElement.GetProperty("b");
        Assert.Equal("F32", b.GetProperty("dtype").GetString());
        Assert.Equal(new long[] { 2, 2 }, b.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(new long[] { 8, 24 }, b.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(8 + headerLength + 24, bytes.Length);
        Assert.Equal(3f, BitConverter.ToSingle(bytes, 8 + headerLength + 8 + 8));
    }

    [Fact]
    public void Non_contiguous_tensors_are_written_in_logical_row_major_order()
    {
        using var temp = new TempFolder("dsft-strided-");
        var path = temp["strided.safetensors"];
        using var scope = torch.NewDisposeScope();
        var t = torch.arange(6, dtype: torch.float32).view(2, 3).t(); // (3, 2) view, strides (1, 3)
        Assert.False(t.is_contiguous());
        TensorFile.Save(new Dictionary<string, Tensor> { ["t"] = t }, path);
        var loaded = TensorFile.Load(path);
        scope.Attach(loaded["t"]);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, loaded["t"].data<float>().ToArray());
    }

    [Fact]
    public void Corrupt_files_give_InvalidDataException()
    {
        using var temp = new TempFolder("dsft-corrupt-");
        var path = temp["corrupt.safetensors"];
        File.WriteAllBytes(path, new byte[] { 1, 2, 3 });
        Assert.Throws<UserErrorException>(() => TensorFile.Load(path));
        var huge = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(huge, 1000);
        File.WriteAllBytes(path, huge);
        Assert.Throws<UserErrorException>(() => TensorFile.Load(path));
        var json = Encoding.UTF8.GetBytes("{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}");
        var file = new byte[8 + json.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        File.WriteAllBytes(path, file);
        Assert.Throws<UserErrorException>(() => TensorFile.Load(path)); // data past the end
    }

    [Fact]
    public void TensorBytes_round_trips_every_dtype_and_copies_the_source()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(2);
        foreach (var (name, t) in EveryDtype(g))
        {
            var bytes = t.ToBytes();
            Assert.Equal(t.numel() * t.dtype.ElementSize(), bytes.Length);
            var back = TensorBytes.FromBytes(bytes, t.shape, t.dtype);
            Assert.Equal(t.dtype, back.dtype);
            Assert.Equal(t.shape, back.shape);
            Assert.True(t.eq(back).all().item<bool>(), name);
            if (bytes.Length > 0)
            {
                bytes[0] ^= 0xff; // the tensor owns a copy
                Assert.True(t.eq(back).all().item<bool>(), name);
            }
        }
        var f = TensorBytes.FromBytes(BitConverter.GetBytes(1.5f).Concat(BitConverter.GetBytes(-2f)).ToArray(), new long[] { 2 }, ScalarType.Float32);
        Assert.Equal(new float[] { 1.5f, -2f }, f.data<float>().ToArray());
    }

    [Fact]
    public void TensorBytes_rejects_mismatched_sizes()
    {
        using var scope = torch.NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => TensorBytes.FromBytes(new byte[7], new long[] { 2 }, ScalarType.Float32));
        Assert.Contains("7 bytes", ex.Message);
        var t = torch.ones(3);
        Assert.Throws<ArgumentException>(() => t.CopyBytesTo(new byte[8]));
        Assert.Equal(2, ScalarType.BFloat16.ElementSize());
        Assert.Equal(1, ScalarType.Bool.ElementSize());
        Assert.Throws<NotSupportedException>(() => ScalarType.ComplexFloat32.ElementSize());
    }

    [Fact]
    public void Save_replaces_an_existing_file_atomically()
    {
        using var temp = new TempFolder("dsft-atomic-");
        using var scope = torch.NewDisposeScope();
        var path = temp["w.safetensors"];
        TensorFile.Save(new Dictionary<string, Tensor> { ["w"] = torch.zeros(2) }, path);
        TensorFile.Save(new Dictionary<string, Tensor> { ["w"] = torch.ones(3) }, path);
        Assert.Equal(new[] { "w.safetensors" }, Directory.GetFiles(temp.Path).Select(Path.GetFileName));
        var loaded = TensorFile.Load(path);
        scope.Attach(loaded["w"]);
        Assert.Equal(new float[] { 1, 1, 1 }, loaded["w"].data<float>().ToArray());
    }
}
