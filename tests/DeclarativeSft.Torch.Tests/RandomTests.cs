using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Torch.Tests;

/// <summary>Tests that reseed or read the process-wide default generator run alone (no other test draws from it
/// meanwhile).</summary>
[CollectionDefinition("default-generator", DisableParallelization = true)]
public sealed class DefaultGeneratorCollection { }

public class SeededGeneratorTests : TorchTest
{
    [Fact]
    public void Seeded_generators_repeat_and_restored_state_bytes_replay_the_same_draws()
    {
        using var scope = torch.NewDisposeScope();
        using var g1 = new torch.Generator(42);
        using var g2 = new torch.Generator(42);
        var a = torch.randn(new long[] { 5 }, generator: g1);
        var b = torch.randn(new long[] { 5 }, generator: g2);
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());

        var state = g1.GetStateBytes();
        Assert.NotEmpty(state);
        var next1 = torch.rand(new long[] { 4 }, generator: g1);
        var other = torch.rand(new long[] { 4 }, generator: g1);
        Assert.NotEqual(next1.data<float>().ToArray(), other.data<float>().ToArray());
        g1.SetStateBytes(state);
        var replay = torch.rand(new long[] { 4 }, generator: g1);
        Assert.Equal(next1.data<float>().ToArray(), replay.data<float>().ToArray());

        // The bytes move the state between generators too (a checkpoint restored into a fresh process).
        using var g3 = new torch.Generator(999);
        g3.SetStateBytes(state);
        var moved = torch.rand(new long[] { 4 }, generator: g3);
        Assert.Equal(next1.data<float>().ToArray(), moved.data<float>().ToArray());
    }

    [Fact]
    public void A_state_of_the_wrong_size_is_refused_instead_of_aborting_the_process()
    {
        // libtorch would abort on it (TorchSharp's set_state has no catch): a damaged checkpoint must be an exception.
        using var g = new Generator(7);
        var good = g.GetStateBytes();
        var e = Assert.Throws<UserErrorException>(() => g.SetStateBytes(good[..^1]));
        Assert.Contains($"{good.Length} bytes", e.Message);
        g.SetStateBytes(good); // the right size still restores
        Assert.Equal(good, g.GetStateBytes());
    }

    [Fact]
    public void Manual_seed_of_a_generator_restarts_its_sequence()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(3);
        var first = torch.randn(new long[] { 6 }, generator: g).data<float>().ToArray();
        g.manual_seed(3);
        Assert.Equal(first, torch.randn(new long[] { 6 }, generator: g).data<float>().ToArray());
        Assert.Equal(3, g.initial_seed());
    }

    [Fact]
    public void Multinomial_and_bernoulli_dropout_follow_their_generator()
    {
        using var scope = torch.NewDisposeScope();
        var probs = torch.tensor(new float[] { 0.1f, 0.2f, 0.3f, 0.4f });
        using var g = new torch.Generator(9);
        var s1 = torch.multinomial(probs, 20, replacement: true, generator: g).data<long>().ToArray();
        g.manual_seed(9);
        var s2 = torch.multinomial(probs, 20, replacement: true, generator: g).data<long>().ToArray();
        Assert.Equal(s1, s2);
        Assert.All(s1, v => Assert.InRange(v, 0, 3));

        // Dropout as the runtime seeds it: a bernoulli keep-mask from the run's generator, scaled by 1/(1-p).
        var x = torch.ones(1000);
        float[] Dropout()
        {
            g.manual_seed(1);
            return (x * torch.empty_like(x).bernoulli_(0.75, g) / 0.75).data<float>().ToArray();
        }
        var values = Dropout();
        Assert.Equal(values, Dropout());
        Assert.All(values, v => Assert.True(v == 0f || Math.Abs(v - 1 / 0.75f) < 1e-6));
        Assert.InRange(values.Count(v => v == 0f), 180, 320);
    }
}

[Collection("default-generator")]
public class DefaultGeneratorTests : TorchTest
{
    [Fact]
    public void Manual_seed_matches_PyTorch_draws()
    {
        torch.manual_seed(0);
        using var ours = torch.randn(new long[] { 4 });
        var py = PythonOracle.Run("randn.py").Trim().Split(',').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        // Same mt19937 + Box-Muller on both sides (PyTorch 1.13 and libtorch 2.10): bit-identical.
        Assert.Equal(py, ours.data<float>().ToArray());
    }

    [Fact]
    public void Default_RNG_state_round_trips_through_bytes()
    {
        torch.manual_seed(3);
        var state = RandomState.GetDefault();
        using (var t = torch.get_rng_state()) Assert.Equal(state, t.ToBytes()); // the same state torch.get_rng_state() reads
        using var x = torch.rand(3);
        RandomState.SetDefault(state);
        using var y = torch.rand(3);
        Assert.Equal(x.data<float>().ToArray(), y.data<float>().ToArray());
    }
}
