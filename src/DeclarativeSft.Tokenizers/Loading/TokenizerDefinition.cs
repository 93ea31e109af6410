using DeclarativeSft.Tokenizers.AddedTokens;
using DeclarativeSft.Tokenizers.Decoders;
using DeclarativeSft.Tokenizers.Models;
using DeclarativeSft.Tokenizers.Normalizers;
using DeclarativeSft.Tokenizers.PostProcessors;
using DeclarativeSft.Tokenizers.PreTokenizers;

namespace DeclarativeSft.Tokenizers.Loading;

/// <summary>Everything read from tokenizer.json (and tokenizer_config.json), as built components.</summary>
internal sealed record TokenizerDefinition(
    string SourcePath,
    Dictionary<string, int> Vocab,
    BpeModel Model,
    TextNormalizer? Normalizer,
    PreTokenizerPipeline PreTokenizer,
    SpecialTokenFrame Frame,
    TokenDecoder? Decoder,
    string? UnsupportedDecoder,
    IReadOnlyList<AddedToken> AddedTokens,
    HashSet<string> AddedContents,
    string? UnkToken,
    TokenizerConfig? Config);
