namespace DeclarativeSft.Tokenizers;

/// <summary>One token of an encoding and the characters of the input it came from
/// (<c>[Start, End)</c> in UTF-16 code units of the string passed to Encode).</summary>
public readonly record struct EncodedToken(int Id, int Start, int End);

/// <summary>
/// What the rest of DeclarativeSft needs from a tokenizer. Offsets are part of the contract because
/// loss masks are built from structure: each token is attributed to the message whose characters it covers.
/// </summary>
public interface ITokenizer
{
    int VocabSize { get; }

    /// <summary>Token ids with their character spans. <paramref name="addSpecialTokens"/> applies the
    /// tokenizer's post-processor (BOS/EOS); those added tokens get an empty span at 0 or text.Length.</summary>
    IReadOnlyList<EncodedToken> EncodeWithOffsets(string text, bool addSpecialTokens = false);

    int[] Encode(string text, bool addSpecialTokens = false);

    string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false);

    /// <summary>The id of a vocabulary or added token, or null when the tokenizer has no such token.</summary>
    int? TokenToId(string token);

    string? IdToToken(int id);

    int? BosTokenId { get; }

    int? EosTokenId { get; }

    /// <summary>Adds special tokens (split out of text before anything else, skipped by
    /// <c>Decode(skipSpecialTokens: true)</c>) with ids appended after the current vocabulary, for recipes with
    /// <c>template.add_special_tokens: true</c>. Returns the id of each token, in order; a token that already
    /// exists keeps its id. The model's embedding must then be resized to <see cref="VocabSize"/>.</summary>
#if NET
    IReadOnlyList<int> AddSpecialTokens(IEnumerable<string> tokens) =>
        throw new NotSupportedException($"{GetType().Name} cannot add special tokens.");
#else
    IReadOnlyList<int> AddSpecialTokens(IEnumerable<string> tokens); // netstandard2.0 has no default interface members
#endif
}
