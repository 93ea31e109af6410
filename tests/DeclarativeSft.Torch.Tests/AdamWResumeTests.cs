using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DeclarativeSft.Torch.Tests;

/// <summary>Checkpoint resume of TorchSharp's AdamW: train k steps, save parameters (TensorFile) and optimizer state
/// (TorchSharp's save_state_dict), load both into fresh objects, continue; the result must equal the uninterrupted
/// run bit for bit.</summary>
public class AdamWResumeTests : TorchTest
{
    private const int TotalSteps = 6;
    private static readonly double[] Lrs = { 0.05, 0.04, 0.03, 0.02, 0.015, 0.01 };

    private static AdamW NewOptimizer(Parameter w, Parameter norm) => torch.optim.AdamW(new[]
    {
        new AdamW.ParamGroup(new[] { w }, lr: Lrs[0], beta1: 0.9, beta2: 0.95, eps: 1e-8, weight_decay: 0.1),
        new AdamW.ParamGroup(new[] { norm }, lr: Lrs[0], beta1: 0.9, beta2: 0.95, eps: 1e-8, weight_decay: 0.0),
    });

    /// <summary>Trains TotalSteps steps; with <paramref name="resumeAt"/>, saves after that many steps, drops every
    /// object and continues from the files. Returns the final parameters' bytes.</summary>
    private static byte[][] Train(string dir, int? resumeAt, bool loadOptimizerState = true)
    {
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(5);
        var w = new Parameter(torch.randn(new long[] { 4, 3 }, generator: g));
        var norm = new Parameter(torch.ones(4));
        var x = torch.randn(new long[] { 8, 3 }, generator: g);
        var opt = NewOptimizer(w, norm);
        void Step(int k)
        {
            using var s = torch.NewDisposeScope();
            foreach (var group in opt.ParamGroups) group.LearningRate = Lrs[k];
            opt.zero_grad();
            (F.linear(x, w) * norm).tanh().square().mean().backward();
            nn.utils.clip_grad_norm_(new[] { w, norm }, 1.0);
            opt.step();
        }
        for (int k = 0; k < (resumeAt ?? TotalSteps); k++) Step(k);
        if (resumeAt is int at)
        {
            var weights = Path.Combine(dir, $"weights-{at}.safetensors");
            var state = Path.Combine(dir, $"optimizer-{at}.bin");
            TensorFile.Save(new Dictionary<string, Tensor> { ["w"] = w, ["norm"] = norm }, weights);
            opt.save_state_dict(state);
            opt.Dispose();
            w.Dispose();
            norm.Dispose();

            var loaded = TensorFile.Load(weights);
            w = new Parameter(loaded["w"]);
            norm = new Parameter(loaded["norm"]);
            scope.Attach(w);
            scope.Attach(norm);
            opt = NewOptimizer(w, norm);
            if (loadOptimizerState) opt.load_state_dict(state);
            for (int k = at; k < TotalSteps; k++) Step(k);
        }
        var result = new[] { w.ToBytes(), norm.ToBytes() };
        opt.Dispose();
        return result;
    }

    [Fact]
    public void Save_and_load_into_a_fresh_optimizer_resumes_bit_identically()
    {
        using var temp = new TempFolder("dsft-adamw-");
        var straight = Train(temp.Path, resumeAt: null);
        Assert.Equal(straight, Train(temp.Path, resumeAt: null)); // the run itself is deterministic
        foreach (int at in new[] { 1, 3, 5 })
        {
            var resumed = Train(temp.Path, resumeAt: at);
            Assert.True(straight[0].AsSpan().SequenceEqual(resumed[0]), $"weights differ after resuming at step {at}");
            Assert.True(straight[1].AsSpan().SequenceEqual(resumed[1]), $"norm scales differ after resuming at step {at}");
        }
        // Without the optimizer state (moments and step counts reset) the result differs: the state matters.
        var fresh = Train(temp.Path, resumeAt: 3, loadOptimizerState: false);
        Assert.False(straight[0].AsSpan().SequenceEqual(fresh[0]));
    }

    [Fact]
    public void Loading_state_of_another_shape_of_optimizer_fails_clearly()
    {
        using var temp = new TempFolder("dsft-adamw-mismatch-");
        using var scope = torch.NewDisposeScope();
        var w = new Parameter(torch.ones(2));
        var norm = new Parameter(torch.ones(2));
        using (var two = NewOptimizer(w, norm)) two.save_state_dict(temp["two-groups.bin"]);
        using var one = torch.optim.AdamW(new[] { w });
        var ex = Assert.ThrowsAny<Exception>(() => one.load_state_dict(temp["two-groups.bin"]));
        Assert.Contains("parameter groups", ex.Message);
    }
}
