using DeclarativeSft.Torch.Interop;

namespace DeclarativeSft.Torch;

public static partial class torch
{
    /// <summary>torch.optim.</summary>
    public static class optim
    {
        /// <summary>A parameter group: its own learning rate and weight decay (set <see cref="lr"/> each step for a schedule).</summary>
        public sealed class ParamGroup
        {
            public ParamGroup(IReadOnlyList<Tensor> parameters, double lr, double weight_decay)
            {
                this.parameters = parameters.ToArray();
                this.lr = lr;
                this.weight_decay = weight_decay;
            }

            public Tensor[] parameters { get; }
            public double lr { get; set; }
            public double weight_decay { get; set; }
        }

        /// <summary>AdamW (Loshchilov &amp; Hutter) with decoupled weight decay, computed like
        /// torch.optim.AdamW's single-tensor path. State (step, exp_avg, exp_avg_sq per parameter) is created lazily
        /// and can be exported/imported exactly with <see cref="state_dict"/>/<see cref="load_state_dict"/>.</summary>
        public sealed class AdamW : IDisposable
        {
            private readonly Tensor?[][] expAvg;
            private readonly Tensor?[][] expAvgSq;
            private readonly long[][] steps;

            public AdamW(IReadOnlyList<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                double weight_decay = 1e-2)
                : this(new[] { new ParamGroup(parameters, lr, weight_decay) }, beta1, beta2, eps) { }

            public AdamW(IReadOnlyList<ParamGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
            {
                if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), "betas must be in [0, 1)");
                if (eps < 0) throw new ArgumentOutOfRangeException(nameof(eps), "eps must be non-negative");
                param_groups = groups.ToArray();
                this.beta1 = beta1;
                this.beta2 = beta2;
                this.eps = eps;
                expAvg = param_groups.Select(g => new Tensor?[g.parameters.Length]).ToArray();
                expAvgSq = param_groups.Select(g => new Tensor?[g.parameters.Length]).ToArray();
                steps = param_groups.Select(g => new long[g.parameters.Length]).ToArray();
            }

            public ParamGroup[] param_groups { get; }
            public double beta1 { get; }
            public double beta2 { get; }
            public double eps { get; }

            /// <summary>Drops every parameter's gradient.</summary>
            public void zero_grad()
            {
                foreach (var g in param_groups)
                    foreach (var p in g.parameters) p.zero_grad();
            }

            /// <summary>One update of every parameter that has a gradient.</summary>
            public unsafe void step()
            {
                using var noGrad = torch.no_grad();
                for (int gi = 0; gi < param_groups.Length; gi++)
                {
                    var group = param_groups[gi];
                    var ps = group.parameters;
                    for (int k = 0; k < ps.Length; k++)
                    {
                        if (expAvg[gi][k] is null)
                        {
                            expAvg[gi][k] = torch.zeros_like(ps[k]).DetachFromDisposeScope();
                            expAvgSq[gi][k] = torch.zeros_like(ps[k]).DetachFromDisposeScope();
                        }
                    }
                    var hp = Handles(ps);
                    var hm = Handles(expAvg[gi]!);
                    var hv = Handles(expAvgSq[gi]!);
                    fixed (IntPtr* pp = hp, pm = hm, pv = hv)
                    fixed (long* pst = steps[gi])
                        NativeMethods.Check(NativeMethods.dsft_adamw_step(pp, pm, pv, pst, ps.Length, group.lr, beta1, beta2, eps, group.weight_decay));
                    GC.KeepAlive(ps);
                }
            }

            /// <summary>Optimizer state keyed "g{group}.p{index}.exp_avg" / ".exp_avg_sq" / ".step" (a 1-element int64
            /// tensor). The tensors are the live state (not copies); save them with torch.save.</summary>
            public Dictionary<string, Tensor> state_dict()
            {
                var result = new Dictionary<string, Tensor>();
                for (int gi = 0; gi < param_groups.Length; gi++)
                    for (int k = 0; k < param_groups[gi].parameters.Length; k++)
                    {
                        if (expAvg[gi][k] is null) continue;
                        result[$"g{gi}.p{k}.exp_avg"] = expAvg[gi][k]!;
                        result[$"g{gi}.p{k}.exp_avg_sq"] = expAvgSq[gi][k]!;
                        result[$"g{gi}.p{k}.step"] = torch.tensor(new[] { steps[gi][k] }).DetachFromDisposeScope();
                    }
                return result;
            }

            /// <summary>Restores state exported by <see cref="state_dict"/> (values are copied into fresh tensors on the
            /// parameters' devices).</summary>
            public void load_state_dict(IReadOnlyDictionary<string, Tensor> state)
            {
                using var noGrad = torch.no_grad();
                for (int gi = 0; gi < param_groups.Length; gi++)
                    for (int k = 0; k < param_groups[gi].parameters.Length; k++)
                    {
                        var prefix = $"g{gi}.p{k}.";
                        if (!state.TryGetValue(prefix + "exp_avg", out var m)) continue;
                        if (!state.TryGetValue(prefix + "exp_avg_sq", out var v) || !state.TryGetValue(prefix + "step", out var s))
                            throw new ArgumentException($"optimizer state for {prefix} is incomplete", nameof(state));
                        var p = param_groups[gi].parameters[k];
                        if (!m.shape.SequenceEqual(p.shape))
                            throw new ArgumentException($"optimizer state {prefix}exp_avg has shape [{string.Join(", ", m.shape)}] but the parameter has [{string.Join(", ", p.shape)}]", nameof(state));
                        expAvg[gi][k]?.Dispose();
                        expAvgSq[gi][k]?.Dispose();
                        expAvg[gi][k] = torch.zeros_like(p).copy_(m).DetachFromDisposeScope();
                        expAvgSq[gi][k] = torch.zeros_like(p).copy_(v).DetachFromDisposeScope();
                        steps[gi][k] = s.item<long>();
                    }
            }

            public void Dispose()
            {
                foreach (var row in expAvg) foreach (var t in row) t?.Dispose();
                foreach (var row in expAvgSq) foreach (var t in row) t?.Dispose();
            }
        }
    }
}
