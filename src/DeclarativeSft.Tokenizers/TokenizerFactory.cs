namespace DeclarativeSft.Tokenizers;

/// <summary>Opens the tokenizer a user names on a command line or in a recipe.</summary>
public static class TokenizerFactory
{
    /// <summary>The spec of the builtin byte tokenizer (for models trained from scratch).</summary>
    public const string BuiltinBytes = "builtin:bytes";

    /// <summary>
    /// <c>builtin:bytes</c> → a <see cref="ByteTokenizer"/> with <paramref name="byteSpecialTokens"/>;
    /// a folder → its tokenizer.json; a file → that tokenizer.json.
    /// </summary>
    /// <exception cref="TokenizerLoadException">Nothing usable at that path.</exception>
    public static ITokenizer Open(string spec, IEnumerable<string>? byteSpecialTokens = null)
    {
        if (spec == BuiltinBytes) return new ByteTokenizer(byteSpecialTokens);
        if (Directory.Exists(spec)) return HfTokenizer.FromDirectory(spec);
        if (File.Exists(spec)) return HfTokenizer.FromFile(spec);
        throw new TokenizerLoadException(spec, $"no such file or folder. Pass a tokenizer.json, a model folder containing one, or {BuiltinBytes}.");
    }

    /// <summary><see cref="Open"/>, typed as a <see cref="Microsoft.ML.Tokenizers.Tokenizer"/> (every tokenizer this
    /// project opens is one) for .NET code that takes that type: through it, encodings equal Hugging Face's
    /// <c>encode(text, add_special_tokens=False)</c>; <see cref="SftTokenizer.WithSpecialTokens"/> gives
    /// <c>add_special_tokens=True</c>.</summary>
    /// <exception cref="TokenizerLoadException">Nothing usable at that path.</exception>
    public static SftTokenizer OpenTokenizer(string spec, IEnumerable<string>? byteSpecialTokens = null) =>
        (SftTokenizer)Open(spec, byteSpecialTokens);
}
