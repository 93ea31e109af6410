namespace DeclarativeSft.Tokenizers.Decoders;

/// <summary><c>{"type": "Metaspace"}</c>: "▁" back to spaces, dropping the space the encoder prepended.</summary>
internal sealed class MetaspaceDecoder(char replacement, bool stripFirstSpace) : TokenDecoder
{
    public override List<string> DecodeChain(List<string> tokens)
    {
        for (var k = 0; k < tokens.Count; k++)
        {
            var text = tokens[k].Replace(replacement, ' ');
            if (k == 0 && stripFirstSpace && text.StartsWith(' ')) text = text[1..];
            tokens[k] = text;
        }
        return tokens;
    }
}
