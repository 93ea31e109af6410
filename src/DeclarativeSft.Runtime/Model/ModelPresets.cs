using DeclarativeSft.Recipes;

namespace DeclarativeSft.Runtime.Model;

/// <summary>
/// Shapes for models trained from scratch (<c>model.init.preset</c>). They are sized for the shipped default
/// recipe: a byte-level vocabulary (~260–300 tokens) trained on a 2-core CPU in minutes. Both are plain Llama
/// (no bias, no q/k norm) with tied embeddings, which halves the parameters that a small vocabulary would
/// otherwise spend twice.
/// </summary>
public static class ModelPresets
{
    /// <summary>The config of <paramref name="preset"/> for a tokenizer of <paramref name="vocabSize"/> tokens.</summary>
    public static LlamaConfig Create(ModelPreset preset, int vocabSize, int? bosTokenId = null, int? eosTokenId = null)
    {
        var (d, layers, heads, ffn) = preset switch
        {
            ModelPreset.Tiny => (128, 4, 4, 384),
            ModelPreset.Small => (256, 6, 8, 768),
            _ => throw new ArgumentOutOfRangeException(nameof(preset)),
        };
        return new LlamaConfig
        {
            ArchitectureName = "LlamaForCausalLM",
            Architecture = LlamaArchitecture.Llama,
            VocabSize = vocabSize,
            HiddenSize = d,
            IntermediateSize = ffn,
            NumHiddenLayers = layers,
            NumAttentionHeads = heads,
            NumKeyValueHeads = heads,
            HeadDim = d / heads,
            RmsNormEps = 1e-5,
            RopeTheta = 10000.0,
            TieWordEmbeddings = true,
            AttentionBias = false,
            QkNorm = false,
            MaxPositionEmbeddings = 2048,
            BosTokenId = bosTokenId,
            EosTokenId = eosTokenId,
        };
    }
}
