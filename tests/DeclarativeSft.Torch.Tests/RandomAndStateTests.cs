using DeclarativeSft.Torch;
using F = DeclarativeSft.Torch.torch.nn.functional;

namespace DeclarativeSft.Torch.Tests;

public class RandomAndStateTests
{
    [Fact]
    public void SeededGeneratorsRepeatAndRestoredStateReplaysTheSameDraws()
    {
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        using var a = torch.randn(new long[] { 5 }, generator: g1);
        using var b = torch.randn(new long[] { 5 }, generator: g2);
        Assert.Equal(a.data<float>(), b.data<float>());

        var state = g1.get_state_bytes();
        using var next1 = torch.rand(new long[] { 4 }, generator: g1);
        using var other = torch.rand(new long[] { 4 }, generator: g1);
        Assert.NotEqual(next1.data<float>(), other.data<float>());
        g1.set_state_bytes(state);
        using var replay = torch.rand(new long[] { 4 }, generator: g1);
        Assert.Equal(next1.data<float>(), replay.data<float>());
    }

    [Fact]
    public void ManualSeedMatchesPyTorchDraws()
    {
        torch.manual_seed(0);
        using var ours = torch.randn(new long[] { 4 });
        var py = PythonOracle.Run("randn.py").Trim().Split(',').Select(s => float.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(py, ours.data<float>());
    }

    [Fact]
    public void DefaultRngStateRoundTrips()
    {
        torch.manual_seed(3);
        var state = torch.get_rng_state();
        using var x = torch.rand(3);
        torch.set_rng_state(state);
        using var y = torch.rand(3);
        Assert.Equal(x.data<float>(), y.data<float>());
    }

    [Fact]
    public void MultinomialAndDropoutFollowTheirGenerator()
    {
        using var probs = torch.tensor(new float[] { 0.1f, 0.2f, 0.3f, 0.4f });
        using var g = new Generator(9);
        using var s1 = torch.multinomial(probs, 20, replacement: true, generator: g);
        g.manual_seed(9);
        using var s2 = torch.multinomial(probs, 20, replacement: true, generator: g);
        Assert.Equal(s1.data<long>(), s2.data<long>());
        Assert.All(s1.data<long>(), v => Assert.InRange(v, 0, 3));

        using var x = torch.ones(1000);
        g.manual_seed(1);
        using var d = F.dropout(x, 0.25, generator: g);
        var values = d.data<float>();
        Assert.All(values, v => Assert.True(v == 0f || Math.Abs(v - 1 / 0.75f) < 1e-6));
        Assert.InRange(values.Count(v => v == 0f), 180, 320);
    }

    [Fact]
    public void SaveLoadRoundTripsEveryDtypeExactly()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dsft-save-{Guid.NewGuid():N}.safetensors");
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = torch.randn(new long[] { 3, 2 }),
            ["bf16"] = torch.randn(new long[] { 5 }, torch.bfloat16),
            ["f16"] = torch.randn(new long[] { 2, 2 }, torch.float16),
            ["f64"] = torch.randn(new long[] { 1 }, torch.float64),
            ["i64"] = torch.arange(0, 7),
            ["bool"] = torch.tensor(new[] { true, false, true }),
            ["scalar"] = torch.tensor(2.5),
        };
        torch.save(tensors, path);
        var loaded = torch.load(path);
        File.Delete(path);
        Assert.Equal(tensors.Keys.OrderBy(k => k), loaded.Keys.OrderBy(k => k));
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.dtype, loaded[name].dtype);
            Assert.Equal(t.shape, loaded[name].shape);
            var a = new byte[t.numel() * t.dtype.ElementSize()];
            var b = new byte[a.Length];
            t.CopyBytesTo(a);
            loaded[name].CopyBytesTo(b);
            Assert.Equal(a, b);
            loaded[name].Dispose();
        }
    }

    [Fact]
    public void AdamWStateSaveLoadResumesBitIdentically()
    {
        var dir = Directory.CreateTempSubdirectory("dsft-adamw-").FullName;
        float[] Run(int stepsBeforeSave, bool resume)
        {
            using var scope = torch.NewDisposeScope();
            torch.manual_seed(5);
            var w = torch.randn(new long[] { 4, 3 }, requires_grad: true);
            var x = torch.randn(new long[] { 8, 3 });
            var opt = new torch.optim.AdamW(new[] { w }, lr: 0.05, weight_decay: 0.1);
            void Step()
            {
                using var s = torch.NewDisposeScope();
                opt.zero_grad();
                F.linear(x, w).tanh().square().mean().backward();
                opt.step();
            }
            for (int k = 0; k < stepsBeforeSave; k++) Step();
            if (resume)
            {
                torch.save(opt.state_dict(), Path.Combine(dir, "opt.safetensors"));
                torch.save(new Dictionary<string, Tensor> { ["w"] = w }, Path.Combine(dir, "w.safetensors"));
                opt.Dispose();
                var loadedW = torch.load(Path.Combine(dir, "w.safetensors"))["w"];
                w = loadedW.requires_grad_();
                opt = new torch.optim.AdamW(new[] { w }, lr: 0.05, weight_decay: 0.1);
                opt.load_state_dict(torch.load(Path.Combine(dir, "opt.safetensors")));
            }
            for (int k = stepsBeforeSave; k < 6; k++) Step();
            var result = w.data<float>();
            opt.Dispose();
            return result;
        }
        var straight = Run(3, resume: false);
        var resumed = Run(3, resume: true);
        Directory.Delete(dir, true);
        Assert.Equal(straight, resumed);
        var untrained = Run(6, resume: false);
        Assert.Equal(straight, untrained);
    }
}
