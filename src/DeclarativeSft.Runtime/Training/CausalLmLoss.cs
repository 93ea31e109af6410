using DeclarativeSft.Data;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Torch;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace DeclarativeSft.Runtime.Training;

/// <summary>
/// The SFT objective of one micro-batch and its backward pass: summed next-token cross-entropy over trained
/// positions (plus the optional KL to the base model), divided by the trained-token count of the WHOLE accumulated
/// step, so every trained token weighs the same however the tokens fall into micro-batches.
/// </summary>
public static class CausalLmLoss
{
    /// <summary>Summed cross-entropy of logits (B, T, V) against targets (B, T-1); ignored targets contribute 0.</summary>
    public static Tensor SummedCrossEntropy(Tensor logits, Tensor targets)
    {
        long B = logits.size(0), T = logits.size(1), V = logits.size(2);
        var pred = logits.narrow(1, 0, T - 1).reshape(B * (T - 1), V);   // (B·(T-1), V)
        return cross_entropy(pred, targets.reshape(B * (T - 1)), ignore_index: Labels.IgnoreIndex, reduction: torch.nn.Reduction.Sum);
    }

    /// <summary>Summed cross-entropy of each data source: logits (B, T, V), targets and their sources' tags (B, T-1).
    /// Computed apart from the objective (no gradient), so the training loss itself is unchanged by the accounting.</summary>
    public static double[] SummedCrossEntropyByTag(Tensor logits, Tensor targets, Tensor targetTags, int tagCount)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long B = logits.size(0), T = logits.size(1), V = logits.size(2);
        var pred = logits.detach().narrow(1, 0, T - 1).reshape(B * (T - 1), V);                  // (N, V)
        var perPosition = cross_entropy(pred, targets.reshape(B * (T - 1)), ignore_index: Labels.IgnoreIndex,
            reduction: torch.nn.Reduction.None).to(ScalarType.Float64);                            // (N), 0 where ignored
        using var one = 1.0.ToScalar();
        var sums = torch.zeros(tagCount, dtype: ScalarType.Float64, device: logits.device)
            .index_add_(0, targetTags.reshape(B * (T - 1)), perPosition, one);                    // (tagCount)
        return sums.cpu().data<double>().ToArray();
    }

    /// <summary>Σ over trained positions of KL(p_base ‖ p_θ), for logits (B, T, V) of both models.</summary>
    public static Tensor SummedKlToBase(Tensor logits, Tensor baseLogits, Tensor targets)
    {
        long B = logits.size(0), T = logits.size(1), V = logits.size(2);
        var logp = log_softmax(logits.narrow(1, 0, T - 1).reshape(B * (T - 1), V), -1);     // (N, V)
        var logq = log_softmax(baseLogits.narrow(1, 0, T - 1).reshape(B * (T - 1), V), -1); // (N, V)
        var perPosition = logq.exp().mul(logq.sub(logp)).sum(-1);                            // (N)
        using var ignore = ((long)Labels.IgnoreIndex).ToScalar();
        using var zero = 0.0.ToScalar();
        var trained = targets.reshape(B * (T - 1)).ne(ignore);                                // (N) bool
        return perPosition.masked_fill(trained.logical_not(), zero).sum();
    }

    /// <summary>
    /// Forward + backward of one micro-batch; gradients accumulate into the trainable parameters.
    /// Returns the summed cross-entropy (for logging). <paramref name="baseLogits"/> is required when klWeight &gt; 0.
    /// With <paramref name="ceByTag"/> (and a batch with target tags) each source's summed cross-entropy is added to it.
    /// </summary>
    public static double ForwardBackward(LlamaForCausalLM model, TrainingBatch batch, long denominator, ForwardContext ctx,
        bool gradientCheckpointing, double klWeight, Func<Tensor>? baseLogits, double[]? ceByTag = null)
    {
        using var scope = torch.NewDisposeScope();
        Tensor? baseL = klWeight > 0 ? baseLogits!() : null; // computed without grad, adapters off
        using var kl = klWeight.ToScalar();
        using var denom = ((double)denominator).ToScalar();
        Tensor Objective(Tensor logits, out double ce)
        {
            if (ceByTag is not null && batch.TargetTags is not null)
            {
                var byTag = SummedCrossEntropyByTag(logits, batch.Targets, batch.TargetTags, ceByTag.Length);
                for (int i = 0; i < byTag.Length; i++) ceByTag[i] += byTag[i];
            }
            var sum = SummedCrossEntropy(logits, batch.Targets);
            ce = sum.item<float>();
            var total = sum;
            if (baseL is not null) total = total.add(SummedKlToBase(logits, baseL, batch.Targets).mul(kl));
            return total.div(denom);
        }

        if (!gradientCheckpointing)
        {
            var logits = model.Forward(batch.InputIds, batch.PositionIds, batch.Mask, ctx: ctx); // (B, T, V)
            var loss = Objective(logits, out var ce);
            loss.backward();
            return ce;
        }
        CheckpointedForwardBackward(model, batch, ctx, l => Objective(l, out _), out var ceSum);
        return ceSum;
    }

    /// <summary>
    /// Gradient checkpointing per decoder layer: the forward keeps only each layer's input; the backward recomputes
    /// one layer at a time with grad enabled and back-propagates the incoming gradient through it (backward with an
    /// explicit gradient), so activation memory is one layer's instead of all layers'.
    /// Dropout masks are reproduced by restoring the dropout generator before each recomputation.
    /// </summary>
    private static void CheckpointedForwardBackward(LlamaForCausalLM model, TrainingBatch batch, ForwardContext ctx, Func<Tensor, Tensor> objective, out double ceSum)
    {
        int L = model.Layers.Count;
        var inputs = new Tensor[L + 1];
        var genStates = new byte[L][];
        Tensor cos, sin;
        using (torch.no_grad())
        {
            (cos, sin) = model.Rotary.CosSin(batch.PositionIds, model.ComputeDType); // (B, 1, T, hd)
            inputs[0] = model.Embed(batch.InputIds);                                  // (B, T, C)
            for (int i = 0; i < L; i++)
            {
                genStates[i] = ctx.DropoutGenerator?.GetStateBytes() ?? [];
                inputs[i + 1] = model.Layers[i].Forward(inputs[i], cos, sin, batch.Mask, null, ctx); // (B, T, C)
            }
        }
        var top = inputs[L].detach().requires_grad_();          // (B, T, C) leaf
        var logits = model.Head(top, ctx);                      // (B, T, V)
        var ce = SummedCrossEntropy(logits, batch.Targets);
        ceSum = ce.item<float>();
        objective(logits).backward();
        var grad = top.grad!;                                   // (B, T, C)
        var afterForward = ctx.DropoutGenerator?.GetStateBytes();
        for (int i = L - 1; i >= 0; i--)
        {
            using var layerScope = torch.NewDisposeScope();
            if (ctx.DropoutGenerator is not null) ctx.DropoutGenerator.SetStateBytes(genStates[i]);
            var x = inputs[i].detach().requires_grad_();        // (B, T, C) leaf
            var y = model.Layers[i].Forward(x, cos, sin, batch.Mask, null, ctx);
            y.backward([grad]);
            grad = x.grad!.MoveToOuterDisposeScope();
        }
        if (model.EmbedTokens.requires_grad)
            model.Embed(batch.InputIds).backward([grad]);
        if (afterForward is not null) ctx.DropoutGenerator!.SetStateBytes(afterForward);
    }
}
