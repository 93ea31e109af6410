using DeclarativeSft.Torch;

namespace DeclarativeSft.Torch.Tests;

public class ErrorTests
{
    [Fact]
    public void ShapeMismatchThrowsTorchExceptionWithLibtorchMessage()
    {
        using var a = torch.ones(2, 3);
        using var b = torch.ones(4, 5);
        var ex = Assert.Throws<TorchException>(() => torch.matmul(a, b));
        // libtorch's own wording for mm shape errors (1.13 and 2.x).
        Assert.Contains("cannot be multiplied", ex.Message);
        Assert.DoesNotContain("frame #", ex.Message);
    }

    [Fact]
    public void BadDtypeThrowsTorchException()
    {
        using var idx = torch.tensor(new float[] { 0.0f, 1.0f });
        using var w = torch.ones(3, 2);
        var ex = Assert.Throws<TorchException>(() => torch.nn.functional.embedding(idx, w));
        Assert.Contains("Long", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void RequiresGradOnIntegerTensorThrows()
    {
        using var t = torch.arange(0, 3);
        var ex = Assert.Throws<TorchException>(() => t.requires_grad = true);
        Assert.Contains("floating point", ex.Message);
    }

    [Fact]
    public void MissingCudaDeviceThrowsManagedException()
    {
        if (torch.cuda.is_available())
        {
            int missing = torch.cuda.device_count() + 7;
            Assert.ThrowsAny<Exception>(() => torch.zeros(new long[] { 2 }, device: Device.CUDA(missing)).Dispose());
            return;
        }
        var ex = Assert.Throws<TorchException>(() => torch.zeros(new long[] { 2 }, device: Device.CUDA(0)));
        Assert.Contains("CUDA", ex.Message);
        Assert.Throws<TorchException>(() => torch.cuda.memory_stats(0));
    }

    [Fact]
    public void UseAfterDisposeThrowsObjectDisposedException()
    {
        var t = torch.ones(2, 2);
        t.Dispose();
        Assert.True(t.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => t.shape);
        Assert.Throws<ObjectDisposedException>(() => t.add(1.0));
        using var other = torch.ones(2, 2);
        Assert.Throws<ObjectDisposedException>(() => other.add(t));
        t.Dispose(); // a second dispose is harmless
    }

    [Fact]
    public void ErrorsDoNotLeakIntoTheNextCall()
    {
        using var a = torch.ones(2, 3);
        Assert.Throws<TorchException>(() => a.view(7));
        using var ok = a.view(6);
        Assert.Equal(new long[] { 6 }, ok.shape);
    }
}
