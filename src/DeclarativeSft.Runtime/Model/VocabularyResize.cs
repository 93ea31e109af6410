using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Model;

/// <summary>
/// Grows a loaded model's vocabulary when <c>template.add_special_tokens</c> gave the tokenizer ids past the
/// checkpoint's <c>vocab_size</c>: embed_tokens (and an untied lm_head) get new rows; every other tensor is kept.
/// </summary>
public static class VocabularyResize
{
    /// <summary>
    /// A copy of <paramref name="model"/> with <paramref name="vocabSize"/> rows (the old model is disposed).
    /// New rows start at the mean of the existing rows — as Hugging Face's resize_token_embeddings does — so a new
    /// token starts as an "average" token instead of a random direction that could dominate the softmax.
    /// </summary>
    public static LlamaForCausalLM Grow(LlamaForCausalLM model, int vocabSize, long seed)
    {
        int oldVocab = model.Config.VocabSize;
        if (vocabSize <= oldVocab) return model;
        var grown = LlamaForCausalLM.Initialize(model.Config with { VocabSize = vocabSize }, seed, model.Device);
        using (torch.no_grad())
        {
            foreach (var (name, source) in model.NamedParameters())
            {
                using var scope = torch.NewDisposeScope();
                var target = grown.Parameter(name);
                if (source.shape.SequenceEqual(target.shape)) { target.copy_(source); continue; }
                // (V_old, C) → (V_new, C)
                target.narrow(0, 0, oldVocab).copy_(source);
                target.narrow(0, oldVocab, vocabSize - oldVocab).copy_(source.mean([0], keepdim: true).expand(vocabSize - oldVocab, source.size(1)));
            }
        }
        model.Dispose();
        return grown;
    }
}
