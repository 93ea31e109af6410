using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DeclarativeSft.Torch.Tests;

/// <summary>Autograd gradients (TorchSharp → libtorch 2.10) of every differentiable op the runtime uses against
/// float64 central finite differences of L = sum(op(inputs) * R), R a fixed random weighting so every output
/// element matters. Relative error bound 1e-6 (measured worst: printed per case, ~1e-9 typical).</summary>
public class GradientCheckTests : TorchTest
{
    private readonly ITestOutputHelper output;

    public GradientCheckTests(ITestOutputHelper output) => this.output = output;

    /// <summary>An op under test: its input shapes and whether its inputs must be positive.</summary>
    public sealed record Case(string Name, long[][] Shapes, Func<Tensor[], Tensor> Op, bool Positive = false)
    {
        public override string ToString() => Name;
    }

    private static Tensor Longs(params long[] v) => torch.tensor(v);

    private static Tensor Bools(bool[] v, params long[] shape) => torch.tensor(v, shape);

    /// <summary>RMSNorm as the runtime writes it (TorchSharp 0.107 has no F.rms_norm): x · rsqrt(mean(x²) + eps) · w.</summary>
    private static Tensor RmsNorm(Tensor x, Tensor w, double eps) => x * x.square().mean(new long[] { -1 }, keepdim: true).add(eps).rsqrt() * w;

    /// <summary>Segment ids → (B, 1, T, T) boolean block-causal mask, padding (-1) attending to itself only.</summary>
    private static Tensor BlockCausal(long[] segments, int batch, int t)
    {
        var seg = torch.tensor(segments, new long[] { batch, t });
        var causal = torch.ones(t, t, dtype: torch.@bool).tril();
        var same = seg.unsqueeze(2).eq(seg.unsqueeze(1)).logical_and(causal).logical_and(seg.ge(0).unsqueeze(2));
        return same.logical_or(torch.eye(t, dtype: torch.@bool)).unsqueeze(1);
    }

    private static readonly Case[] Cases =
    {
        new("add", new[] { new long[] { 3, 4 }, new long[] { 4 } }, x => x[0] + x[1]),
        new("sub", new[] { new long[] { 3, 4 }, new long[] { 3, 1 } }, x => x[0] - x[1]),
        new("mul", new[] { new long[] { 3, 4 }, new long[] { 3, 4 } }, x => x[0] * x[1]),
        new("div", new[] { new long[] { 3, 4 }, new long[] { 3, 4 } }, x => x[0] / x[1], Positive: true),
        new("scalar_ops", new[] { new long[] { 5 } }, x => (2.0 - x[0]) * 3.0 / (1.5 + x[0]) + 1.0, Positive: true),
        new("add_alpha_inplace_on_copy", new[] { new long[] { 5 }, new long[] { 5 } }, x => x[0].clone().add_(x[1], alpha: 0.5).mul_(2.0)),
        new("pow_scalar", new[] { new long[] { 5 } }, x => x[0].pow(2.5), Positive: true),
        new("pow_tensor", new[] { new long[] { 5 }, new long[] { 5 } }, x => x[0].pow(x[1]), Positive: true),
        new("matmul", new[] { new long[] { 2, 3, 4 }, new long[] { 4, 5 } }, x => torch.matmul(x[0], x[1])),
        new("bmm", new[] { new long[] { 2, 3, 4 }, new long[] { 2, 4, 2 } }, x => x[0].bmm(x[1])),
        new("outer", new[] { new long[] { 3 }, new long[] { 4 } }, x => torch.outer(x[0], x[1])),
        new("exp", new[] { new long[] { 6 } }, x => x[0].exp()),
        new("log", new[] { new long[] { 6 } }, x => x[0].log(), Positive: true),
        new("sqrt", new[] { new long[] { 6 } }, x => x[0].sqrt(), Positive: true),
        new("rsqrt", new[] { new long[] { 6 } }, x => x[0].rsqrt(), Positive: true),
        new("neg", new[] { new long[] { 6 } }, x => -x[0]),
        new("abs", new[] { new long[] { 6 } }, x => x[0].abs(), Positive: true),
        new("square_reciprocal", new[] { new long[] { 6 } }, x => x[0].square() + x[0].reciprocal(), Positive: true),
        new("tanh", new[] { new long[] { 6 } }, x => x[0].tanh()),
        new("cos", new[] { new long[] { 6 } }, x => x[0].cos()),
        new("sin", new[] { new long[] { 6 } }, x => x[0].sin()),
        new("sigmoid", new[] { new long[] { 6 } }, x => x[0].sigmoid()),
        new("silu", new[] { new long[] { 6 } }, x => F.silu(x[0])),
        new("gelu", new[] { new long[] { 6 } }, x => F.gelu(x[0])),
        new("gelu_tanh", new[] { new long[] { 6 } }, x => F.gelu(x[0], GELU.Approximate.tanh)),
        new("sum_all", new[] { new long[] { 3, 4 } }, x => x[0].sum()),
        new("sum_dim_keepdim", new[] { new long[] { 3, 4 } }, x => x[0].sum(1, keepdim: true)),
        new("mean_dims", new[] { new long[] { 2, 3, 4 } }, x => x[0].mean(new long[] { 0, 2 })),
        new("max_dim_values", new[] { new long[] { 3, 4 } }, x => x[0].max(1).values),
        new("max_all", new[] { new long[] { 3, 4 } }, x => x[0].max()),
        new("amax", new[] { new long[] { 3, 4 } }, x => x[0].amax(0)),
        new("logsumexp", new[] { new long[] { 3, 4 } }, x => x[0].logsumexp(-1)),
        new("softmax", new[] { new long[] { 3, 5 } }, x => F.softmax(x[0], -1)),
        new("log_softmax", new[] { new long[] { 3, 5 } }, x => F.log_softmax(x[0], 0)),
        new("linear", new[] { new long[] { 2, 3 }, new long[] { 4, 3 }, new long[] { 4 } }, x => F.linear(x[0], x[1], x[2])),
        new("linear_no_bias", new[] { new long[] { 2, 2, 3 }, new long[] { 4, 3 } }, x => F.linear(x[0], x[1])),
        new("embedding_index_select", new[] { new long[] { 5, 3 } }, x => x[0].index_select(0, Longs(4, 0, 4, 2))),
        new("embedding_2d_ids", new[] { new long[] { 5, 3 } }, x => x[0].index_select(0, Longs(4, 0, 4, 2, 1, 1)).view(2, 3, 3)),
        new("cross_entropy_mean", new[] { new long[] { 4, 5 } }, x => F.cross_entropy(x[0], Longs(1, -100, 4, 0))),
        new("cross_entropy_sum", new[] { new long[] { 4, 5 } }, x => F.cross_entropy(x[0], Longs(1, 3, -100, 0), reduction: nn.Reduction.Sum)),
        new("cross_entropy_none", new[] { new long[] { 4, 5 } }, x => F.cross_entropy(x[0], Longs(1, 3, 2, -100), reduction: nn.Reduction.None)),
        new("sdpa_causal", new[] { new long[] { 1, 2, 4, 3 }, new long[] { 1, 2, 4, 3 }, new long[] { 1, 2, 4, 3 } },
            x => F.scaled_dot_product_attention(x[0], x[1], x[2], is_casual: true)),
        new("sdpa_bool_mask", new[] { new long[] { 2, 3, 2 }, new long[] { 2, 3, 2 }, new long[] { 2, 3, 2 } },
            x => F.scaled_dot_product_attention(x[0], x[1], x[2],
                attn_mask: Bools(new[] { true, false, false, true, true, false, false, true, true }, 3, 3))),
        new("sdpa_block_causal_packed", new[] { new long[] { 2, 2, 5, 3 }, new long[] { 2, 2, 5, 3 }, new long[] { 2, 2, 5, 3 } },
            x => F.scaled_dot_product_attention(x[0], x[1], x[2], attn_mask: BlockCausal(new long[] { 0, 0, 1, 1, 1, 0, 0, 0, -1, -1 }, 2, 5))),
        new("attention_written_out", new[] { new long[] { 1, 2, 4, 3 }, new long[] { 1, 2, 4, 3 }, new long[] { 1, 2, 4, 3 } },
            x => torch.matmul(torch.matmul(x[0], x[1].transpose(-2, -1)).mul(1 / Math.Sqrt(3))
                .masked_fill(torch.ones(4, 4, dtype: torch.@bool).tril().logical_not(), double.NegativeInfinity).softmax(-1), x[2])),
        new("masked_fill", new[] { new long[] { 2, 3 } }, x => x[0].masked_fill(Bools(new[] { true, false, true, false, false, true }, 2, 3), 0.5)),
        new("where", new[] { new long[] { 4 }, new long[] { 4 } }, x => torch.where(torch.tensor(new[] { true, false, false, true }), x[0], x[1])),
        new("tril_triu", new[] { new long[] { 3, 3 } }, x => x[0].tril() + x[0].triu(1) * 2.0),
        new("reshape_view_transpose", new[] { new long[] { 2, 6 } }, x => x[0].reshape(3, 4).transpose(0, 1).contiguous().view(2, 6)),
        new("permute_flatten", new[] { new long[] { 2, 3, 4 } }, x => x[0].permute(2, 0, 1).flatten(1)),
        new("narrow_select_slice", new[] { new long[] { 4, 5 } }, x => x[0].narrow(0, 1, 2).slice(1, 0, 5, 2) + x[0].select(0, 3).narrow(0, 0, 3)),
        new("index_select_gather", new[] { new long[] { 4, 3 } }, x => x[0].index_select(0, Longs(3, 1, 1)).gather(1, torch.tensor(new long[] { 0, 2, 1, 1, 2, 0 }, new long[] { 3, 2 }))),
        new("unsqueeze_expand_squeeze", new[] { new long[] { 3 } }, x => x[0].unsqueeze(0).expand(4, 3).unsqueeze(2).squeeze(2)),
        new("repeat_kv_expand_reshape", new[] { new long[] { 1, 2, 3, 2 } }, x => x[0].unsqueeze(2).expand(1, 2, 3, 3, 2).reshape(1, 6, 3, 2)),
        new("cat_stack", new[] { new long[] { 2, 3 }, new long[] { 1, 3 } }, x => torch.stack(new[] { torch.cat(new[] { x[0], x[1] }, 0), torch.cat(new[] { x[1], x[0] }, 0) }, 1)),
        new("split_chunk", new[] { new long[] { 6, 2 } }, x => x[0].chunk(3)[2] * x[0].split(2)[0]),
        new("cumsum", new[] { new long[] { 3, 4 } }, x => x[0].cumsum(1)),
        new("clamp", new[] { new long[] { 8 } }, x => x[0].clamp(-0.5, 0.5)),
        new("maximum_minimum", new[] { new long[] { 5 }, new long[] { 5 } }, x => torch.maximum(x[0], x[1]) + torch.minimum(x[0], x[1]) * 3.0),
        new("rms_norm", new[] { new long[] { 2, 4 }, new long[] { 4 } }, x => RmsNorm(x[0], x[1], 1e-5)),
        new("rope_rotate_half", new[] { new long[] { 1, 2, 3, 4 }, new long[] { 3, 4 }, new long[] { 3, 4 } },
            x => x[0] * x[1] + torch.cat(new[] { -x[0].narrow(-1, 2, 2), x[0].narrow(-1, 0, 2) }, -1) * x[2]),
        new("dropout_bernoulli_seeded", new[] { new long[] { 10 } }, x =>
        {
            // TorchSharp's F.dropout takes no generator: seeded dropout is a bernoulli keep-mask scaled by 1/(1-p).
            using var g = new torch.Generator(7);
            return x[0] * torch.empty_like(x[0]).bernoulli_(0.7, g) / 0.7;
        }),
        new("topk_values", new[] { new long[] { 2, 5 } }, x => x[0].topk(2).values),
        new("sort_values", new[] { new long[] { 2, 5 } }, x => x[0].sort(descending: true).Values),
        new("repeat", new[] { new long[] { 2, 2 } }, x => x[0].repeat(2, 3)),
        new("mse_loss", new[] { new long[] { 3, 2 }, new long[] { 3, 2 } }, x => F.mse_loss(x[0], x[1])),
    };

    public static IEnumerable<object[]> CaseNames() => Cases.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Analytic_gradient_matches_finite_differences(string name)
    {
        var c = Cases.Single(k => k.Name == name);
        var rng = new Random(StableHash(name));
        // Values spread apart so max/sort/clamp/abs never sit on a kink within eps.
        var values = c.Shapes.Select(s =>
        {
            long n = s.Aggregate(1L, (a, b) => a * b);
            var perm = Enumerable.Range(0, (int)n).OrderBy(_ => rng.Next()).ToArray();
            return perm.Select(p => c.Positive ? 0.4 + 1.6 * (p + 0.5) / n : -1.5 + 3.0 * (p + 0.37) / n).ToArray();
        }).ToArray();

        using var scope = torch.NewDisposeScope();
        var inputs = values.Select((v, k) => torch.tensor(v, c.Shapes[k], requires_grad: true)).ToArray();
        var y = c.Op(inputs);
        Assert.Equal(ScalarType.Float64, y.dtype);
        var weights = torch.tensor(Enumerable.Range(0, (int)y.numel()).Select(_ => rng.NextDouble() - 0.5).ToArray(), y.shape);
        (y * weights).sum().backward();
        var analytic = inputs.Select(t => t.grad!.data<double>().ToArray()).ToArray();

        double Loss(double[][] v)
        {
            using var inner = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var x = v.Select((a, k) => torch.tensor(a, c.Shapes[k])).ToArray();
            return (c.Op(x) * weights).sum().item<double>();
        }

        const double eps = 1e-6;
        double worst = 0;
        for (int i = 0; i < values.Length; i++)
            for (int j = 0; j < values[i].Length; j++)
            {
                double keep = values[i][j];
                values[i][j] = keep + eps;
                double up = Loss(values);
                values[i][j] = keep - eps;
                double down = Loss(values);
                values[i][j] = keep;
                double numeric = (up - down) / (2 * eps);
                double err = Math.Abs(numeric - analytic[i][j]) / Math.Max(1.0, Math.Abs(numeric));
                worst = Math.Max(worst, err);
                Assert.True(err < 1e-6, $"{name}: d/dx{i}[{j}] autograd {analytic[i][j]} vs finite difference {numeric}");
            }
        output.WriteLine($"{name}: max relative error {worst:E2}");
    }

    /// <summary>string.GetHashCode is randomised per process; the inputs of a case should not be.</summary>
    private static int StableHash(string s) => s.Aggregate(17, (h, ch) => unchecked(h * 31 + ch)) & 0x7fff;

    [Fact]
    public void Autograd_grad_matches_backward_and_leaves_grad_untouched()
    {
        using var scope = torch.NewDisposeScope();
        var w = torch.tensor(new double[] { 0.5, -1.0, 2.0 }, requires_grad: true);
        var x = torch.tensor(new double[] { 1.0, 2.0, 3.0 }, requires_grad: true);
        var y = (w * x).tanh().sum();
        var g = torch.autograd.grad(new[] { y }, new[] { w, x }, retain_graph: true);
        Assert.Null(w.grad);
        y.backward();
        Assert.Equal(w.grad!.data<double>().ToArray(), g[0].data<double>().ToArray());
        Assert.Equal(x.grad!.data<double>().ToArray(), g[1].data<double>().ToArray());
    }

    [Fact]
    public void Backward_with_explicit_gradient_chains_like_autograd()
    {
        // Gradient checkpointing pattern: recompute a segment and push the upstream gradient through it.
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new double[] { 0.3, -0.7 }, requires_grad: true);
        var mid = a.exp();
        var upstream = torch.tensor(new double[] { 2.0, -1.0 });
        mid.backward(new[] { upstream });
        var expected = new[] { 2.0 * Math.Exp(0.3), -Math.Exp(-0.7) };
        var got = a.grad!.data<double>().ToArray();
        Assert.Equal(expected[0], got[0], 12);
        Assert.Equal(expected[1], got[1], 12);
    }

    [Fact]
    public void Gradients_accumulate_across_backward_calls_until_zeroed()
    {
        // Gradient accumulation over micro-batches relies on this.
        using var scope = torch.NewDisposeScope();
        var w = new Parameter(torch.tensor(new double[] { 1.0, 2.0 }));
        (w * 3.0).sum().backward();
        (w * w).sum().backward();
        Assert.Equal(new[] { 3.0 + 2.0, 3.0 + 4.0 }, w.grad!.data<double>().ToArray());
        using var opt = torch.optim.SGD(new[] { w }, 0.1);
        opt.zero_grad();
        Assert.All(w.grad is { } g ? g.data<double>().ToArray() : Array.Empty<double>(), v => Assert.Equal(0.0, v));
    }
}
