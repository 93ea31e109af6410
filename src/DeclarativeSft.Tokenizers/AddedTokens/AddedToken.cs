namespace DeclarativeSft.Tokenizers.AddedTokens;

/// <summary>An entry of tokenizer.json's <c>added_tokens</c> (or one added at run time), with its matching flags.</summary>
internal sealed record AddedToken(
    int Id,
    string Content,
    bool Special,
    bool LeftStrip = false,
    bool RightStrip = false,
    bool SingleWord = false,
    bool Normalized = false);
