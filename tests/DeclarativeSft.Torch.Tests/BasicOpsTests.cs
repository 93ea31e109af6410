using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DeclarativeSft.Torch.Tests;

public class BasicOpsTests : TorchTest
{
    [Fact]
    public void Matmul_of_host_arrays_matches_hand_computed_product()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 2, 3 });
        using var b = torch.tensor(new float[] { 7, 8, 9, 10, 11, 12 }, new long[] { 3, 2 });
        using var c = torch.matmul(a, b);
        Assert.Equal(new long[] { 2, 2 }, c.shape);
        Assert.Equal(new float[] { 58, 64, 139, 154 }, c.data<float>().ToArray());
    }

    [Fact]
    public void Metadata_reflects_creation_arguments()
    {
        using var t = torch.zeros(new long[] { 2, 3, 4 }, dtype: torch.bfloat16);
        Assert.Equal(3, t.dim());
        Assert.Equal(24, t.numel());
        Assert.Equal(ScalarType.BFloat16, t.dtype);
        Assert.Equal(DeviceType.CPU, t.device.type);
        Assert.False(t.requires_grad);
    }

    [Fact]
    public void Bfloat16_round_trips_through_float_host_arrays()
    {
        using var f = torch.tensor(new float[] { 1.0f, 0.5f, -3.0f, 1.00390625f });
        using var t = f.to(torch.bfloat16);
        using var back = t.to(torch.float32);
        // 1.00390625 = 1 + 2^-8 is not representable in bfloat16 (7 mantissa bits): rounds (to even) to 1.0.
        Assert.Equal(new float[] { 1.0f, 0.5f, -3.0f, 1.0f }, back.data<float>().ToArray());
    }

    [Fact]
    public void Scalar_operators_and_integer_arithmetic()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(0, 5);
        var y = x.mul(2L);
        Assert.Equal(ScalarType.Int64, y.dtype);
        Assert.Equal(new long[] { 0, 2, 4, 6, 8 }, y.data<long>().ToArray());
        var f = torch.tensor(new float[] { 1, 2, 4 });
        Assert.Equal(new float[] { 1, 0.5f, 0.25f }, (1.0 / f).data<float>().ToArray());
        Assert.Equal(new float[] { 9, 8, 6 }, (10.0 - f).data<float>().ToArray());
    }

    [Fact]
    public void Cross_entropy_ignores_minus_100_targets()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.tensor(new float[] { 2, 0, 0, 0, 3, 0 }, new long[] { 2, 3 });
        var targets = torch.tensor(new long[] { 0, -100 });
        var loss = F.cross_entropy(logits, targets);
        double expected = -Math.Log(Math.Exp(2) / (Math.Exp(2) + 2));
        Assert.Equal(expected, loss.item<float>(), 5);
        var summed = F.cross_entropy(logits, targets, reduction: nn.Reduction.Sum);
        Assert.Equal(expected, summed.item<float>(), 5);
    }

    [Fact]
    public void Scaled_dot_product_attention_matches_the_written_out_composition()
    {
        // The runtime uses SDPA with is_casual (sic, TorchSharp's spelling) for one-example rows and a boolean
        // block-causal mask for packed rows; both must equal softmax(q k^T / sqrt(d) masked) v.
        using var scope = torch.NewDisposeScope();
        var g = new torch.Generator(11);
        var q = torch.randn(new long[] { 2, 3, 5, 4 }, generator: g);
        var k = torch.randn(new long[] { 2, 3, 5, 4 }, generator: g);
        var v = torch.randn(new long[] { 2, 3, 5, 4 }, generator: g);
        Tensor Written(Tensor allowed) =>
            torch.matmul(torch.matmul(q, k.transpose(-2, -1)).div(2.0).masked_fill(allowed.logical_not(), double.NegativeInfinity).softmax(-1), v);

        var causal = torch.ones(5, 5, dtype: torch.@bool).tril();
        var fused = F.scaled_dot_product_attention(q, k, v, is_casual: true);
        Assert.True(fused.allclose(Written(causal), rtol: 1e-5, atol: 1e-6));

        // Row 0: examples [0,3) and [3,5); row 1: one example [0,4) then one padding position attending to itself.
        var seg = torch.tensor(new long[] { 0, 0, 0, 1, 1, 0, 0, 0, 0, -1 }, new long[] { 2, 5 });
        var allowed = seg.unsqueeze(2).eq(seg.unsqueeze(1)).logical_and(causal).unsqueeze(1); // (B, 1, T, T)
        var masked = F.scaled_dot_product_attention(q, k, v, attn_mask: allowed);
        Assert.True(masked.allclose(Written(allowed), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Clip_grad_norm_scales_gradients_to_the_requested_norm()
    {
        using var scope = torch.NewDisposeScope();
        var a = new Parameter(torch.zeros(3));
        var b = new Parameter(torch.zeros(2));
        (a * torch.tensor(new float[] { 3, 0, 0 })).sum().backward();
        (b * torch.tensor(new float[] { 0, 4 })).sum().backward();
        var norm = nn.utils.clip_grad_norm_(new[] { a, b }, 1.0);
        Assert.Equal(5.0, norm, 5);
        Assert.Equal(new float[] { 0.6f, 0, 0 }, a.grad!.data<float>().ToArray().Select(v => MathF.Round(v, 5)).ToArray());
        Assert.Equal(new float[] { 0, 0.8f }, b.grad!.data<float>().ToArray().Select(v => MathF.Round(v, 5)).ToArray());
    }

    [Fact]
    public void Devices_parse_from_strings()
    {
        // new Device(...) only parses; torch.device(...) also initialises the device type (throws without CUDA).
        Assert.Equal(DeviceType.CPU, torch.device("cpu").type);
        var cuda1 = new torch.Device("cuda:1");
        Assert.Equal(DeviceType.CUDA, cuda1.type);
        Assert.Equal(1, cuda1.index);
        Assert.Equal("cuda:1", new torch.Device("CUDA:1").ToString());
        Assert.ThrowsAny<ArgumentException>(() => new torch.Device("tpu"));
    }

    [Fact]
    public void Runtime_reports_libtorch_2_10_from_the_package_with_all_cores_and_passive_workers()
    {
        // Replaces the old binding's build_info: the version comes from TorchSharp's natives (or the LIBTORCH folder).
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("LIBTORCH")))
        {
            Assert.Equal("2.10.0", TorchRuntime.LibTorchVersion);
            Assert.StartsWith("TorchSharp package natives in ", TorchRuntime.NativeSource);
        }
        Assert.True(TorchRuntime.IsRequiredVersion(TorchRuntime.LibTorchVersion), TorchRuntime.LibTorchVersion);
        Assert.StartsWith("0.107.", TorchRuntime.TorchSharpVersion);
        Assert.Equal(Environment.ProcessorCount, torch.get_num_threads());
        Assert.Matches(@"^libtorch 2\.10\.\S+ \(TorchSharp 0\.107\.\d+; .+; \d+ threads\)$", TorchRuntime.Description);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMP_WAIT_POLICY")) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GOMP_SPINCOUNT")))
            Assert.Equal("OMP_WAIT_POLICY=PASSIVE (DeclarativeSft default)", TorchRuntime.OpenMpWaitPolicy);
        TorchRuntime.EnsureInitialized(); // idempotent
    }

    [Fact]
    public void CPU_backend_says_what_to_rebuild_with_when_CUDA_is_asked_for()
    {
        Assert.Contains(TorchRuntime.Backend, new[] { "cpu", "cuda-linux", "cuda-windows" });
        var reason = TorchRuntime.CudaUnavailableReason();
        if (TorchRuntime.Backend == "cpu" && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("LIBTORCH")))
        {
            Assert.NotNull(reason);
            Assert.Contains("SftTorchBackend=cpu", reason);
            Assert.Contains(OperatingSystem.IsWindows() ? "-p:SftTorchBackend=cuda-windows" : "-p:SftTorchBackend=cuda-linux", reason);
        }
        else Assert.Equal(reason is null, torch.cuda.is_available());
    }

    [Theory]
    [InlineData("2.10", true)]
    [InlineData("2.10.0", true)]
    [InlineData("2.10.0+cu128", true)]
    [InlineData(" 2.10.1+cpu\n", true)]
    [InlineData("1.13.0a0", false)]
    [InlineData("2.1.0", false)]
    [InlineData("2.100.0", false)]
    [InlineData("12.10.0", false)]
    [InlineData("", false)]
    public void Required_version_is_major_dot_minor_2_10(string version, bool expected) =>
        Assert.Equal(expected, TorchRuntime.IsRequiredVersion(version));

    [Fact]
    public void Libtorch_folder_version_comes_from_build_version_or_version_py()
    {
        using var root = new TempFolder("dsft-libtorch-version-");
        var lib = Directory.CreateDirectory(root["lib"]).FullName;
        Assert.Null(TorchRuntime.UserLibTorchVersion(root.Path, lib));
        root.Write("version.py", "__version__ = '1.13.0a0'\ndebug = False\n");
        Assert.Equal("1.13.0a0", TorchRuntime.UserLibTorchVersion(root.Path, lib));
        root.Write("build-version", "2.10.0+cpu\n");
        Assert.Equal("2.10.0+cpu", TorchRuntime.UserLibTorchVersion(root.Path, lib));
    }
}
