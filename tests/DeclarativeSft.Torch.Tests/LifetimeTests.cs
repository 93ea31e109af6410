using System.Text.RegularExpressions;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DeclarativeSft.Torch.Tests;

/// <summary>Runs alone: RSS is process-wide, so tests allocating in parallel would blur the leak measurement.</summary>
[CollectionDefinition("native-memory", DisableParallelization = true)]
public sealed class NativeMemoryCollection { }

[Collection("native-memory")]
public class LifetimeTests : TorchTest
{
    private readonly ITestOutputHelper output;

    public LifetimeTests(ITestOutputHelper output) => this.output = output;

    private static long RssKiB()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(Regex.Match(line, @"\d+").Value);
    }

    /// <summary>A training-step-shaped iteration: leaf, ops, backward, gradient read, all in one DisposeScope (the
    /// pattern the runtime uses; TorchSharp frees native tensors only by Dispose or the finalizer).</summary>
    private static void Iterate(int count)
    {
        for (int k = 0; k < count; k++)
        {
            using var scope = torch.NewDisposeScope();
            var a = torch.ones(new long[] { 64 }, requires_grad: true);
            var b = a * 2.0;
            var c = b.sum();
            c.backward();
            var g = a.grad!;
            if (k == 0 && g.numel() != 64) throw new InvalidOperationException("unexpected gradient shape");
        }
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    [Fact]
    public void Hundred_thousand_iterations_in_dispose_scopes_keep_native_memory_flat()
    {
        // Each iteration makes ~6 native tensors (+ autograd graph, + a 256-byte gradient). A leaked tensor keeps its
        // storage and TensorImpl alive: 100k × (256 B data + ~300 B TensorImpl/storage + the managed wrapper) ≈ 55 MB.
        // After warm-up the RSS drifts by a few MB per 100k iterations (glibc arenas), so 16 MB separates noise from
        // any leak. (A GC runs before both reads, so the bound is on what the scopes leave alive, not on garbage the
        // finalizer has yet to free.)
        Iterate(30_000); // warm-up: JIT tiers, allocator arenas, thread pools
        Settle();
        long before = RssKiB();
        Iterate(100_000);
        Settle();
        long growth = RssKiB() - before;
        output.WriteLine($"RSS growth over 100k iterations: {growth} KiB");
        Assert.True(growth < 16 * 1024, $"RSS grew by {growth} KiB over 100k iterations");
    }

    [Fact]
    public void Scopes_free_native_memory_without_the_garbage_collector()
    {
        // 200 × 4 MiB tensors made and dropped in scopes, with no GC in between: the RSS stays well under the 800 MiB
        // they add up to, because DisposeScope frees them deterministically (the finalizer is not involved).
        Iterate(10);
        Settle();
        long before = RssKiB();
        long peak = before;
        for (int k = 0; k < 200; k++)
        {
            using var scope = torch.NewDisposeScope();
            var big = torch.ones(new long[] { 1 << 20 });
            var sum = (big * 2.0).sum();
            if (k % 20 == 0) peak = Math.Max(peak, RssKiB());
        }
        long after = RssKiB();
        output.WriteLine($"RSS before {before} KiB, peak {peak} KiB, after {after} KiB");
        Assert.True(after - before < 64 * 1024, $"RSS grew by {after - before} KiB");
        Assert.True(peak - before < 128 * 1024, $"RSS peaked {peak - before} KiB above the start");
    }

    [Fact]
    public void Dispose_scope_disposes_temporaries_but_not_moved_or_outer_tensors()
    {
        var outside = torch.ones(3);
        Tensor temp, kept, detached;
        using (var scope = torch.NewDisposeScope())
        {
            temp = outside + 1.0;
            kept = (outside * 2.0).MoveToOuterDisposeScope();
            detached = (outside * 3.0).DetachFromDisposeScope();
            Assert.True(scope.Contains(temp));
            Assert.False(scope.Contains(kept));
            Assert.False(scope.Contains(detached));
        }
        Assert.True(temp.IsInvalid);
        Assert.False(kept.IsInvalid);
        Assert.False(detached.IsInvalid);
        Assert.False(outside.IsInvalid);
        Assert.Equal(new float[] { 2, 2, 2 }, kept.data<float>().ToArray());
        kept.Dispose();
        detached.Dispose();
        outside.Dispose();
    }

    [Fact]
    public void MoveToOuterDisposeScope_hands_the_tensor_to_the_enclosing_scope()
    {
        Tensor moved;
        using (var outer = torch.NewDisposeScope())
        {
            using (var inner = torch.NewDisposeScope()) moved = torch.zeros(2).MoveToOuterDisposeScope();
            Assert.False(moved.IsInvalid);
            Assert.True(outer.Contains(moved));
        }
        Assert.True(moved.IsInvalid);
    }

    [Fact]
    public void No_grad_disables_recording_and_restores_it()
    {
        using var w = torch.ones(new long[] { 2 }, requires_grad: true);
        Assert.True(torch.is_grad_enabled());
        using (torch.no_grad())
        {
            Assert.False(torch.is_grad_enabled());
            using var y = w * 2.0;
            Assert.False(y.requires_grad);
        }
        Assert.True(torch.is_grad_enabled());
        using var z = w * 2.0;
        Assert.True(z.requires_grad);
    }
}
