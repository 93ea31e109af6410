using DeclarativeSft.Tokenizers.AddedTokens;
using DeclarativeSft.Tokenizers.Models;
using DeclarativeSft.Tokenizers.PreTokenizers;
using DeclarativeSft.Tokenizers.Text;

namespace DeclarativeSft.Tokenizers;

/// <summary>Per-thread, per-tokenizer working memory for encoding: reused buffers and the word cache, so
/// concurrent encodes never share state and a single encode allocates little beyond its result.</summary>
internal sealed class EncoderScratch
{
    public readonly AlignedText First = new();
    public readonly AlignedText Second = new();
    public readonly AlignedText Third = new();
    public readonly List<TextSegment> Segments = new();
    public readonly List<TextSegment> InnerSegments = new();
    public readonly List<PieceRange> Pieces = new();
    public readonly List<PieceRange> SparePieces = new();
    public readonly List<EncodedToken> Tokens = new();
    public readonly BpeScratch Bpe = new();

    /// <summary>A buffer other than the two given, for a normalization step's output.</summary>
    public AlignedText Other(AlignedText a, AlignedText? b = null) =>
        !ReferenceEquals(First, a) && !ReferenceEquals(First, b) ? First
        : !ReferenceEquals(Second, a) && !ReferenceEquals(Second, b) ? Second
        : Third;
}
