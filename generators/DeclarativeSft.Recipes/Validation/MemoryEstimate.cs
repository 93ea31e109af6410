using System;
using System.Globalization;

namespace DeclarativeSft.Recipes;

/// <summary>Shape of a Llama-family model, from config.json.</summary>
public sealed record ModelShape(int HiddenSize, int IntermediateSize, int Layers, int Heads, int KvHeads, int HeadDim, int VocabSize, bool TiedEmbeddings);

/// <summary>
/// Training-memory estimate: weights + gradients + AdamW state + activations. Deliberately simple (the common
/// per-layer activation rule of thumb), meant to catch budgets that are off by a wide margin before anything loads.
/// </summary>
public sealed record MemoryEstimate(long Weights, long Gradients, long Optimizer, long Activations)
{
    public long Total => Weights + Gradients + Optimizer + Activations;

    /// <summary>Estimates memory for training <paramref name="spec"/> on a model of <paramref name="shape"/>.</summary>
    public static MemoryEstimate For(RecipeSpec spec, ModelShape shape)
    {
        double h = shape.HiddenSize, inter = shape.IntermediateSize, kv = shape.KvHeads * (double)shape.HeadDim, q = shape.Heads * (double)shape.HeadDim;
        double perLayer = h * q + 2 * h * kv + q * h + 3 * h * inter + 2 * h;
        double embed = (double)shape.VocabSize * h;
        double total = embed * (shape.TiedEmbeddings ? 1 : 2) + perLayer * shape.Layers + h;
        double bytesPerWeight = spec.Training.Precision == Precision.Bf16 ? 2 : 4;

        double trainable;
        if (spec.Lora is { } lora)
        {
            double perLayerLora = 0;
            var t = lora.TargetModules;
            if ((t & ModelModules.QProj) != 0) perLayerLora += lora.R * (h + q);
            if ((t & ModelModules.KProj) != 0) perLayerLora += lora.R * (h + kv);
            if ((t & ModelModules.VProj) != 0) perLayerLora += lora.R * (h + kv);
            if ((t & ModelModules.OProj) != 0) perLayerLora += lora.R * (q + h);
            if ((t & ModelModules.GateProj) != 0) perLayerLora += lora.R * (h + inter);
            if ((t & ModelModules.UpProj) != 0) perLayerLora += lora.R * (h + inter);
            if ((t & ModelModules.DownProj) != 0) perLayerLora += lora.R * (inter + h);
            trainable = perLayerLora * shape.Layers;
            if ((lora.ModulesToSave & ModelModules.EmbedTokens) != 0) trainable += embed;
            if ((lora.ModulesToSave & ModelModules.LmHead) != 0) trainable += embed;
        }
        else
        {
            int frozen = Math.Min(spec.Training.FreezeLayers, shape.Layers);
            trainable = total - perLayer * frozen;
        }

        double acts = ActivationBytes(spec.Training.MicroBatchSize, spec.Data.MaxSeqLen, shape, spec.Training.Precision, spec.Training.GradientCheckpointing);

        return new MemoryEstimate(
            (long)(total * bytesPerWeight),
            (long)(trainable * 4),
            (long)(trainable * 8),
            (long)acts);
    }

    /// <summary>
    /// Activations one micro-batch of <paramref name="microBatch"/> rows of <paramref name="seqLen"/> tokens keeps for
    /// the backward pass. Per layer the rule of thumb of Korthikanti et al. (2022, "Reducing Activation Recomputation
    /// in Large Transformer Models"): 34·b·s·h bytes at 16-bit. Their 5·a·b·s² term for the attention scores is gone:
    /// attention runs in libtorch's fused kernel (one example at a time in a packed row), which never materialises
    /// the (s, s) scores. Checkpointing keeps each layer's input plus one layer recomputed. The head adds one chunk of
    /// float32 logits and its gradient (<see cref="OutputHeadChunks"/>), not (b, s, V).
    /// </summary>
    public static double ActivationBytes(long microBatch, long seqLen, ModelShape shape, Precision precision, bool gradientCheckpointing)
    {
        double b = microBatch, s = seqLen, h = shape.HiddenSize;
        double unit = precision == Precision.Bf16 ? 1 : 2;
        double layer = 34 * b * s * h * unit;
        double acts = gradientCheckpointing ? 2 * b * s * h * unit * shape.Layers + layer : layer * shape.Layers;
        return acts + 2 * 4.0 * Math.Min(b * s, OutputHeadChunks.Rows(shape.VocabSize)) * shape.VocabSize;
    }

    /// <summary>Human-readable size, e.g. <c>3.2 GiB</c>.</summary>
    public static string Format(long bytes)
    {
        string[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return v.ToString(u == 0 ? "0" : "0.0", CultureInfo.InvariantCulture) + " " + units[u];
    }
}
