namespace DeclarativeSft.Tokenizers.Decoders;

/// <summary><c>{"type": "Strip", "content": " ", "start": n, "stop": m}</c>: removes up to n leading and m
/// trailing occurrences of the character from each token (Llama-2 drops the space its "▁" prefix became).</summary>
internal sealed class StripDecoder(char content, int start, int stop) : TokenDecoder
{
    public override List<string> DecodeChain(List<string> tokens)
    {
        for (var k = 0; k < tokens.Count; k++)
        {
            var token = tokens[k];
            var cutStart = 0;
            while (cutStart < start && cutStart < token.Length && token[cutStart] == content) cutStart++;
            var cutStop = token.Length;
            while (token.Length - cutStop < stop && cutStop > cutStart && token[cutStop - 1] == content) cutStop--;
            tokens[k] = token[cutStart..cutStop];
        }
        return tokens;
    }
}
