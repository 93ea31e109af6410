namespace DeclarativeSft.Tokenizers.AddedTokens;

/// <summary>A stretch <c>[Start, End)</c> of text: either an added token (<see cref="Token"/> set) or ordinary
/// text for the normalizer, pre-tokenizer and model.</summary>
internal readonly record struct TextSegment(int Start, int End, AddedToken? Token);
