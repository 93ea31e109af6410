namespace DeclarativeSft.Tokenizers.Text;

/// <summary>transformers' <c>clean_up_tokenization</c>, applied by decode when tokenizer_config.json's
/// <c>clean_up_tokenization_spaces</c> asks for it: removes the space before punctuation and contractions.</summary>
internal static class TextCleanup
{
    public static string CleanUpTokenization(string text) => text
        .Replace(" .", ".", StringComparison.Ordinal)
        .Replace(" ?", "?", StringComparison.Ordinal)
        .Replace(" !", "!", StringComparison.Ordinal)
        .Replace(" ,", ",", StringComparison.Ordinal)
        .Replace(" ' ", "'", StringComparison.Ordinal)
        .Replace(" n't", "n't", StringComparison.Ordinal)
        .Replace(" 'm", "'m", StringComparison.Ordinal)
        .Replace(" 's", "'s", StringComparison.Ordinal)
        .Replace(" 've", "'ve", StringComparison.Ordinal)
        .Replace(" 're", "'re", StringComparison.Ordinal);
}
