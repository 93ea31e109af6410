namespace DeclarativeSft.Tokenizers.PostProcessors;

/// <summary>
/// What tokenizer.json's <c>post_processor</c> adds around a single sequence when special tokens are requested
/// (TemplateProcessing's <c>single</c>, Bert/Roberta's cls/sep; ByteLevel adds nothing).
/// </summary>
internal sealed record SpecialTokenFrame(int[] Prefix, int[] Suffix)
{
    public static readonly SpecialTokenFrame None = new([], []);
}
