using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DeclarativeSft.Torch.Tests;

/// <summary>libtorch errors surface as managed exceptions (TorchSharp: <see cref="ExternalException"/>) with
/// libtorch's own message, never as a crash of the process.</summary>
public class ErrorTests : TorchTest
{
    /// <summary>TorchSharp passes libtorch's what() on, which for libtorch 2.10 appends "Exception raised from …"
    /// and a C++ backtrace ("frame #0: …"); the libtorch message comes first and is what a program should show.</summary>
    private static string Headline(string message)
    {
        int cut = message.IndexOf("Exception raised from", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).Trim();
    }

    private static void AssertClear(string message)
    {
        var headline = Headline(message);
        Assert.False(string.IsNullOrWhiteSpace(headline));
        Assert.DoesNotContain("frame #", headline);
        Assert.True(message.IndexOf("frame #", StringComparison.Ordinal) is -1 or > 0);
    }

    [Fact]
    public void Shape_mismatch_throws_ExternalException_with_libtorch_message()
    {
        using var a = torch.ones(2, 3);
        using var b = torch.ones(4, 5);
        // torch.mm, bmm and F.linear (what the runtime's layers call) catch libtorch's error. NOT torch.matmul /
        // Tensor.matmul: TorchSharp 0.107's THSTensor_matmul has no CATCH, so a mismatch there terminates the
        // process ("terminate called after throwing an instance of 'c10::Error'"); check shapes before matmul.
        var ex = Assert.Throws<ExternalException>(() => torch.mm(a, b));
        // libtorch's own wording for mm shape errors (1.13 and 2.x), with the shapes.
        Assert.Contains("cannot be multiplied", Headline(ex.Message));
        Assert.Contains("2x3 and 4x5", Headline(ex.Message));
        AssertClear(ex.Message);

        var linear = Assert.Throws<ExternalException>(() => F.linear(a, b));
        Assert.Contains("cannot be multiplied", Headline(linear.Message));
        AssertClear(linear.Message);

        using var x = torch.ones(2, 3, 4);
        using var y = torch.ones(2, 5, 6);
        var bmm = Assert.Throws<ExternalException>(() => x.bmm(y));
        Assert.Contains("size", Headline(bmm.Message));
        AssertClear(bmm.Message);
    }

    [Fact]
    public void Broadcast_mismatch_names_the_sizes()
    {
        using var a = torch.ones(2, 3);
        using var b = torch.ones(4);
        var ex = Assert.Throws<ExternalException>(() => a + b);
        Assert.Contains("must match the size", Headline(ex.Message));
        AssertClear(ex.Message);
    }

    [Fact]
    public void Float_indices_for_an_embedding_lookup_throw()
    {
        using var idx = torch.tensor(new float[] { 0.0f, 1.0f });
        using var w = torch.ones(3, 2);
        var ex = Assert.Throws<ExternalException>(() => w.index_select(0, idx));
        Assert.Matches("(?i)long|int64|int32", Headline(ex.Message));
        AssertClear(ex.Message);
    }

    [Fact]
    public void Cross_entropy_target_out_of_range_throws()
    {
        using var logits = torch.zeros(2, 3);
        using var targets = torch.tensor(new long[] { 1, 7 });
        var ex = Assert.Throws<ExternalException>(() => F.cross_entropy(logits, targets));
        Assert.Contains("out of bounds", Headline(ex.Message));
        AssertClear(ex.Message);
    }

    [Fact]
    public void Requires_grad_on_integer_tensor_throws()
    {
        using var t = torch.arange(0, 3);
        var ex = Assert.Throws<ExternalException>(() => t.requires_grad = true);
        Assert.Contains("floating point", Headline(ex.Message));
    }

    [Fact]
    public void Missing_CUDA_device_throws_managed_exception()
    {
        if (torch.cuda.is_available())
        {
            int missing = torch.cuda.device_count() + 7;
            Assert.ThrowsAny<Exception>(() => torch.zeros(new long[] { 2 }, device: new Device(DeviceType.CUDA, missing)).Dispose());
            return;
        }
        Assert.False(torch.cuda.is_available());
        var ex = Assert.ThrowsAny<Exception>(() => torch.zeros(new long[] { 2 }, device: new Device(DeviceType.CUDA, 0)).Dispose());
        Assert.Contains("CUDA", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Use_after_dispose_throws_instead_of_crashing()
    {
        var t = torch.ones(2, 2);
        t.Dispose();
        Assert.True(t.IsInvalid);
        // TorchSharp: "Tensor invalid -- empty handle." (InvalidOperationException; ObjectDisposedException is one too).
        Assert.ThrowsAny<InvalidOperationException>(() => t.add(1.0));
        using var other = torch.ones(2, 2);
        Assert.ThrowsAny<InvalidOperationException>(() => other.add(t));
        t.Dispose(); // a second dispose is harmless
    }

    [Fact]
    public void Errors_do_not_leak_into_the_next_call()
    {
        using var a = torch.ones(2, 3);
        Assert.Throws<ExternalException>(() => a.view(7));
        Assert.Throws<ExternalException>(() => torch.mm(a, a));
        using var ok = a.view(6);
        Assert.Equal(new long[] { 6 }, ok.shape);
        using var sum = ok.sum();
        Assert.Equal(6f, sum.item<float>());
    }

    [Fact]
    public void Backward_without_graph_throws()
    {
        using var w = torch.ones(new long[] { 2 }, requires_grad: true);
        using (torch.no_grad())
        {
            using var y = (w * 2.0).sum();
            var ex = Assert.Throws<ExternalException>(() => y.backward());
            Assert.Contains("does not require grad", Headline(ex.Message));
        }
    }
}
