using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Training;

/// <summary>
/// The trainer's optimizer: TorchSharp's AdamW (the decoupled-weight-decay update of torch.optim.AdamW's
/// single-tensor path) over two parameter groups, plus its state as named tensors for checkpoints —
/// <c>g{group}.p{index}.exp_avg</c>, <c>.exp_avg_sq</c> and <c>.step</c> (a 1-element int64 tensor), the layout
/// optimizer.safetensors has always had. Export and import are exact copies, so a resumed run continues bit for bit.
/// </summary>
public static class AdamWState
{
    /// <summary>AdamW over <paramref name="parameters"/>: matrices (dim ≥ 2) decayed by
    /// <paramref name="weightDecay"/>, biases and norm scales not decayed, as Hugging Face's Trainer groups them.</summary>
    public static AdamW Create(IReadOnlyList<Parameter> parameters, double lr, double weightDecay) =>
        torch.optim.AdamW(
        [
            new AdamW.ParamGroup(parameters.Where(p => p.dim() >= 2).ToList(), lr: lr, weight_decay: weightDecay),
            new AdamW.ParamGroup(parameters.Where(p => p.dim() < 2).ToList(), lr: lr, weight_decay: 0.0),
        ], lr: lr);

    /// <summary>Sets every group's learning rate (the schedule's value for this step).</summary>
    public static void SetLearningRate(this AdamW optimizer, double lr)
    {
        foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;
    }

    /// <summary>Drops every parameter's gradient (PyTorch's zero_grad(set_to_none=True)): a parameter that gets no
    /// gradient in the next step is then skipped by the update, as it was before. TorchSharp's own zero_grad()
    /// zeroes the gradients in place instead.</summary>
    public static void ZeroGradToNone(this AdamW optimizer)
    {
        foreach (var p in optimizer.parameters()) p.grad = null;
    }

    /// <summary>The per-parameter states in group order, each with its group and index.</summary>
    private static IEnumerable<(int Group, int Index, AdamW.State State)> States(AdamW optimizer)
    {
        var sd = optimizer.state_dict();
        for (int g = 0; g < sd.StateIndexRef.Count; g++)
            for (int k = 0; k < sd.StateIndexRef[g].Count; k++)
                yield return (g, k, (AdamW.State)sd.State[sd.StateIndexRef[g][k]]);
    }

    /// <summary>CPU copies of the optimizer state, keyed as in optimizer.safetensors; the caller disposes them.</summary>
    public static Dictionary<string, Tensor> Export(AdamW optimizer)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope(); // the detach()/cpu() handles; the copies are detached from it
        foreach (var (g, k, s) in States(optimizer))
        {
            result[$"g{g}.p{k}.exp_avg"] = s.exp_avg.detach().cpu().clone().DetachFromDisposeScope();
            result[$"g{g}.p{k}.exp_avg_sq"] = s.exp_avg_sq.detach().cpu().clone().DetachFromDisposeScope();
            result[$"g{g}.p{k}.step"] = torch.tensor(new[] { s.step }).DetachFromDisposeScope();
        }
        return result;
    }

    /// <summary>Restores state written by <see cref="Export"/> into the optimizer's own tensors (values copied onto the
    /// parameters' devices). Entries missing from <paramref name="state"/> keep their fresh (zero) state.</summary>
    public static void Import(AdamW optimizer, IReadOnlyDictionary<string, Tensor> state)
    {
        using var noGrad = torch.no_grad();
        foreach (var (g, k, s) in States(optimizer))
        {
            var prefix = $"g{g}.p{k}.";
            if (!state.TryGetValue(prefix + "exp_avg", out var m)) continue;
            if (!state.TryGetValue(prefix + "exp_avg_sq", out var v) || !state.TryGetValue(prefix + "step", out var st))
                throw new UserErrorException($"optimizer state for {prefix} is incomplete");
            if (!m.shape.SequenceEqual(s.exp_avg.shape) || !v.shape.SequenceEqual(s.exp_avg_sq.shape))
                throw new UserErrorException($"optimizer state {prefix}exp_avg has shape [{string.Join(", ", m.shape)}] but the parameter has [{string.Join(", ", s.exp_avg.shape)}]");
            s.exp_avg.copy_(m);
            s.exp_avg_sq.copy_(v);
            s.step = st.item<long>();
        }
    }
}
