using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
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
/// <para>
/// Only trained positions reach the output head: their hidden rows are gathered before the final norm and projected
/// a chunk of rows at a time, and each chunk's backward runs before the next chunk's logits exist. The logits buffer
/// is (chunk, V) instead of (B, T, V), and the head's matmuls skip the prompt and padding positions whose logits the
/// loss would ignore. Same loss and gradients as full logits with <c>cross_entropy(ignore_index=-100)</c>.
/// </para>
/// </summary>
public static class CausalLmLoss
{
    /// <summary>
    /// Forward + backward of one micro-batch; gradients accumulate into the trainable parameters.
    /// Returns the summed cross-entropy (for logging). <paramref name="baseHidden"/> gives the base model's
    /// <see cref="LlamaForCausalLM.Hidden"/> output (no grad, adapters off) and is required when klWeight &gt; 0.
    /// With <paramref name="ceByTag"/> (and a batch with target tags) each source's summed cross-entropy is added to it.
    /// <paramref name="chunkRows"/> overrides <see cref="OutputHeadChunks.Rows"/> (tests cross chunk boundaries with it).
    /// </summary>
    public static double ForwardBackward(LlamaForCausalLM model, TrainingBatch batch, long denominator, ForwardContext ctx,
        bool gradientCheckpointing, double klWeight, Func<Tensor>? baseHidden, double[]? ceByTag = null, long? chunkRows = null)
    {
        using var scope = torch.NewDisposeScope();
        Tensor? baseH = klWeight > 0 ? baseHidden!() : null; // (B, T, C) computed without grad, adapters off
        var objective = new Objective(denominator, klWeight, baseH, ceByTag, chunkRows ?? OutputHeadChunks.Rows(model.Config.VocabSize));

        if (!gradientCheckpointing)
        {
            var hidden = model.Hidden(batch.InputIds, batch.PositionIds, batch.Mask, ctx: ctx); // (B, T, C)
            var ce = HeadForwardBackward(model, hidden, batch, ctx, objective, hidden.requires_grad, out var grad);
            if (grad is not null) hidden.backward([grad]);
            return ce;
        }
        return CheckpointedForwardBackward(model, batch, ctx, objective);
    }

    /// <summary>Summed cross-entropy over the trained targets of <paramref name="batch"/> (no gradient), chunked like
    /// training; with <paramref name="ceByTag"/> (and target tags) each source's sum is added to it.</summary>
    public static double SummedCrossEntropy(LlamaForCausalLM model, TrainingBatch batch, double[]? ceByTag = null, long? chunkRows = null)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var hidden = model.Hidden(batch.InputIds, batch.PositionIds, batch.Mask); // (B, T, C)
        var objective = new Objective(null, 0, null, ceByTag, chunkRows ?? OutputHeadChunks.Rows(model.Config.VocabSize));
        return HeadForwardBackward(model, hidden, batch, ForwardContext.Eval, objective, false, out _);
    }

    /// <summary>KL(p_base ‖ p_θ) of each row, for logits (N, V) of both models → (N).</summary>
    public static Tensor KlToBase(Tensor logits, Tensor baseLogits)
    {
        var logp = log_softmax(logits, -1);     // (N, V)
        var logq = log_softmax(baseLogits, -1); // (N, V)
        return logq.exp().mul(logq.sub(logp)).sum(-1);
    }

    /// <summary>What the head's chunks compute. <paramref name="Denominator"/> null: evaluation, no backward.</summary>
    private sealed record Objective(long? Denominator, double KlWeight, Tensor? BaseHidden, double[]? CeByTag, long ChunkRows);

    /// <summary>
    /// The head and the objective at the trained positions of <paramref name="hidden"/> (B, T, C), chunk by chunk.
    /// Training: each chunk's objective / denominator is back-propagated at once into the head's parameters (final
    /// norm, lm_head or the tied embedding, an lm_head adapter) and into its hidden rows; with
    /// <paramref name="needHiddenGrad"/>, <paramref name="hiddenGrad"/> is then ∂objective/∂hidden (B, T, C), zero at
    /// untrained positions, for the caller to back-propagate through the layers. Returns the summed cross-entropy.
    /// </summary>
    private static double HeadForwardBackward(LlamaForCausalLM model, Tensor hidden, TrainingBatch batch, ForwardContext ctx,
        Objective objective, bool needHiddenGrad, out Tensor? hiddenGrad)
    {
        hiddenGrad = null;
        long B = hidden.size(0), T = hidden.size(1), C = hidden.size(2);
        long targetsPerRow = T - 1;
        using var ignore = ((long)Labels.IgnoreIndex).ToScalar();
        var flatTargets = batch.Targets.reshape(B * targetsPerRow);                  // (B·(T-1))
        var trained = flatTargets.ne(ignore).nonzero().reshape(-1);                  // (N) indices into (B, T-1)
        long N = trained.size(0);
        bool backward = objective.Denominator is not null;
        needHiddenGrad &= backward;
        if (N == 0)
        {
            if (needHiddenGrad) hiddenGrad = torch.zeros_like(hidden);
            return 0;
        }
        // Target (b, t) is predicted from hidden row b·T + t of the flattened (B·T, C).
        using var perRow = targetsPerRow.ToScalar();
        var rows = trained.add(trained.div(perRow, rounding_mode: RoundingMode.trunc)); // (N)
        var targets = flatTargets.index_select(0, trained);                            // (N)
        var h = hidden.detach().reshape(B * T, C).index_select(0, rows);               // (N, C)
        var baseH = objective.BaseHidden?.reshape(B * T, C).index_select(0, rows);     // (N, C)
        var tags = objective.CeByTag is not null && batch.TargetTags is { } tt ? tt.reshape(B * targetsPerRow).index_select(0, trained) : null; // (N)
        var tagSums = tags is null ? null : torch.zeros(objective.CeByTag!.Length, dtype: ScalarType.Float64, device: hidden.device);
        var rowGrad = needHiddenGrad ? torch.empty_like(h) : null;                     // (N, C)
        using var kl = objective.KlWeight.ToScalar();
        using var denom = ((double)(objective.Denominator ?? 1)).ToScalar();
        using var one = 1.0.ToScalar();

        double ceSum = 0;
        for (long start = 0; start < N; start += objective.ChunkRows)
        {
            using var chunkScope = torch.NewDisposeScope();
            long n = Math.Min(objective.ChunkRows, N - start);
            var x = h.narrow(0, start, n);                                              // (n, C)
            if (needHiddenGrad) x = x.detach().requires_grad_();
            var logits = model.Head(x, ctx);                                            // (n, V)
            var perPosition = cross_entropy(logits, targets.narrow(0, start, n), reduction: torch.nn.Reduction.None); // (n)
            var ce = perPosition.sum();
            ceSum += ce.item<float>();
            if (tagSums is not null)
                using (torch.no_grad()) tagSums.index_add_(0, tags!.narrow(0, start, n), perPosition.detach().to(ScalarType.Float64), one);
            if (!backward) continue;
            var total = ce;
            if (baseH is not null)
            {
                Tensor baseLogits;
                using (torch.no_grad()) baseLogits = model.Head(baseH.narrow(0, start, n), ForwardContext.BaseModel); // (n, V)
                total = total.add(KlToBase(logits, baseLogits).sum().mul(kl));
            }
            total.div(denom).backward();
            if (rowGrad is not null) rowGrad.narrow(0, start, n).copy_(x.grad!);
        }
        if (tagSums is not null)
        {
            var byTag = tagSums.cpu().data<double>().ToArray();
            for (int i = 0; i < byTag.Length; i++) objective.CeByTag![i] += byTag[i];
        }
        if (rowGrad is not null)
            hiddenGrad = torch.zeros_like(hidden).reshape(B * T, C).index_copy_(0, rows, rowGrad).view(B, T, C); // (B, T, C)
        return ceSum;
    }

    /// <summary>
    /// Gradient checkpointing per decoder layer: the forward keeps only each layer's input; the backward recomputes
    /// one layer at a time with grad enabled and back-propagates the incoming gradient through it (backward with an
    /// explicit gradient), so activation memory is one layer's instead of all layers'.
    /// Dropout masks are reproduced by restoring the dropout generator before each recomputation.
    /// </summary>
    private static double CheckpointedForwardBackward(LlamaForCausalLM model, TrainingBatch batch, ForwardContext ctx, Objective objective)
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
        double ceSum = HeadForwardBackward(model, inputs[L], batch, ctx, objective, needHiddenGrad: true, out var hiddenGrad);
        var grad = hiddenGrad!;                                 // (B, T, C)
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
        return ceSum;
    }
}
