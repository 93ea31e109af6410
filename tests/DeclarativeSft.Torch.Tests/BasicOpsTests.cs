using DeclarativeSft.Torch;
using F = DeclarativeSft.Torch.torch.nn.functional;

namespace DeclarativeSft.Torch.Tests;

public class BasicOpsTests
{
    [Fact]
    public void MatmulOfHostArraysMatchesHandComputedProduct()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 2, 3 });
        using var b = torch.tensor(new float[] { 7, 8, 9, 10, 11, 12 }, new long[] { 3, 2 });
        using var c = torch.matmul(a, b);
        Assert.Equal(new long[] { 2, 2 }, c.shape);
        Assert.Equal(new float[] { 58, 64, 139, 154 }, c.data<float>());
    }

    [Fact]
    public void MetadataReflectsCreationArguments()
    {
        using var t = torch.zeros(new long[] { 2, 3, 4 }, torch.bfloat16);
        Assert.Equal(3, t.dim());
        Assert.Equal(24, t.numel());
        Assert.Equal(ScalarType.BFloat16, t.dtype);
        Assert.Equal(Device.CPU, t.device);
        Assert.False(t.requires_grad);
    }

    [Fact]
    public void Bfloat16RoundTripsThroughFloatHostArrays()
    {
        using var t = torch.tensor(new float[] { 1.0f, 0.5f, -3.0f, 1.00390625f }, dtype: torch.bfloat16);
        // 1.00390625 = 1 + 2^-8 is not representable in bfloat16 (7 mantissa bits): rounds to 1.0.
        Assert.Equal(new float[] { 1.0f, 0.5f, -3.0f, 1.0f }, t.data<float>());
    }

    [Fact]
    public void ScalarOperatorsAndIntegerArithmetic()
    {
        using var x = torch.arange(0, 5);
        using var y = x.mul(2L);
        Assert.Equal(ScalarType.Int64, y.dtype);
        Assert.Equal(new long[] { 0, 2, 4, 6, 8 }, y.data<long>());
        using var f = torch.tensor(new float[] { 1, 2, 4 });
        using var g = 1.0 / f;
        Assert.Equal(new float[] { 1, 0.5f, 0.25f }, g.data<float>());
        using var h = 10.0 - f;
        Assert.Equal(new float[] { 9, 8, 6 }, h.data<float>());
    }

    [Fact]
    public void CrossEntropyIgnoresMinus100Targets()
    {
        using var logits = torch.tensor(new float[] { 2, 0, 0, 0, 3, 0 }, new long[] { 2, 3 });
        using var targets = torch.tensor(new long[] { 0, -100 });
        using var loss = F.cross_entropy(logits, targets);
        double expected = -Math.Log(Math.Exp(2) / (Math.Exp(2) + 2));
        Assert.Equal(expected, loss.item<float>(), 5);
    }

    [Fact]
    public void DevicesParseFromStrings()
    {
        Assert.Equal(Device.CPU, Device.Parse("cpu"));
        Assert.Equal(new Device(DeviceType.CUDA, 1), Device.Parse("cuda:1"));
        Assert.Equal("cuda:1", Device.Parse("CUDA:1").ToString());
        Assert.Throws<ArgumentException>(() => Device.Parse("tpu"));
    }

    [Fact]
    public void BuildInfoNamesTheLibtorchVersion()
    {
        Assert.Matches(@"^torch=\d+\.\d+\.\d+;cuda=[01];", torch.build_info);
    }
}
