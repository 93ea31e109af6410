namespace DeclarativeSft.Tokenizers.Decoders;

/// <summary><c>{"type": "Fuse"}</c>: joins all tokens into one.</summary>
internal sealed class FuseDecoder : TokenDecoder
{
    public override List<string> DecodeChain(List<string> tokens) => [string.Concat(tokens)];
}
