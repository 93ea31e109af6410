namespace DeclarativeSft.Tokenizers.Decoders;

/// <summary><c>{"type": "Replace", "pattern": {"String": "▁"}, "content": " "}</c>, per token.</summary>
internal sealed class ReplaceDecoder(string pattern, string content) : TokenDecoder
{
    public override List<string> DecodeChain(List<string> tokens)
    {
        if (pattern.Length == 0) return tokens;
        for (var k = 0; k < tokens.Count; k++) tokens[k] = tokens[k].Replace(pattern, content, StringComparison.Ordinal);
        return tokens;
    }
}
