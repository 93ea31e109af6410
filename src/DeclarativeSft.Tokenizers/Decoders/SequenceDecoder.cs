namespace DeclarativeSft.Tokenizers.Decoders;

/// <summary><c>{"type": "Sequence", "decoders": [...]}</c>.</summary>
internal sealed class SequenceDecoder(IReadOnlyList<TokenDecoder> steps) : TokenDecoder
{
    public override List<string> DecodeChain(List<string> tokens)
    {
        foreach (var step in steps) tokens = step.DecodeChain(tokens);
        return tokens;
    }
}
