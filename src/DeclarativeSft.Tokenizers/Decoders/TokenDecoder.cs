namespace DeclarativeSft.Tokenizers.Decoders;

/// <summary>One step of tokenizer.json's <c>decoder</c>: turns the list of token strings into a new list
/// (joined at the end), the "decode chain" of Hugging Face's implementations.</summary>
internal abstract class TokenDecoder
{
    public abstract List<string> DecodeChain(List<string> tokens);
}
