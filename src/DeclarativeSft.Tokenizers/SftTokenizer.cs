using System.Buffers;
using Ml = Microsoft.ML.Tokenizers;

namespace DeclarativeSft.Tokenizers;

/// <summary>
/// What makes the project's tokenizers (<see cref="HfTokenizer"/>, <see cref="ByteTokenizer"/>) a
/// <see cref="Microsoft.ML.Tokenizers.Tokenizer"/>, the type the .NET AI libraries accept. Through that base class
/// only, every call gives what Hugging Face's <c>encode(text, add_special_tokens=False)</c> and
/// <c>decode(ids)</c> give: <c>EncodeToIds</c>, <c>EncodeToTokens</c> (ids, token strings and offsets),
/// <c>CountTokens</c>, <c>GetIndexByTokenCount</c>, <c>GetIndexByTokenCountFromEnd</c> and <c>Decode</c>.
/// For <c>add_special_tokens=True</c> (the post-processor's BOS/EOS) use <see cref="WithSpecialTokens"/>.
/// </summary>
/// <remarks>
/// Offsets are UTF-16 ranges of the string passed in (the tokenizer's normalization is tracked back to it, so
/// <c>normalizedText</c> is always null). The Hugging Face pipeline always runs whole: the base class's
/// <c>considerNormalization</c> / <c>considerPreTokenization</c> flags are ignored, since skipping either step
/// would no longer give Hugging Face's tokens. A cut by <c>maxTokenCount</c> never falls between two tokens that
/// share a character (the UTF-8 bytes of one character split over several tokens): it moves back to the
/// previous token boundary that is also a character boundary.
/// </remarks>
public abstract class SftTokenizer : Ml.Tokenizer
{
    [ThreadStatic] private static List<EncodedToken>? t_tokens;

    private protected SftTokenizer() { }

    /// <summary>Whether the base-class API applies the post-processor (BOS/EOS), i.e. Hugging Face's
    /// <c>add_special_tokens=True</c>. False for the tokenizer itself, true for <see cref="WithSpecialTokens"/>.</summary>
    public virtual bool AddsSpecialTokens => false;

    /// <summary>A view of this tokenizer whose base-class API (<c>EncodeToIds</c>, <c>EncodeToTokens</c>,
    /// <c>CountTokens</c>, <c>GetIndexByTokenCount…</c>) equals Hugging Face's
    /// <c>encode(text, add_special_tokens=True)</c>: with the BOS/EOS the tokenizer's post-processor adds (empty
    /// spans at 0 and at the text's end). It shares this tokenizer's state, including special tokens added later.</summary>
    public Ml.Tokenizer WithSpecialTokens() => AddsSpecialTokens ? this : new SpecialTokensView(this);

    // What each tokenizer supplies: the encoding with offsets into text, Hugging Face's default decode, and
    // the string of a token id (EncodedToken.Value).
    internal abstract void EncodeCore(string text, bool addSpecialTokens, List<EncodedToken> output);

    internal abstract string DecodeCore(IReadOnlyList<int> ids);

    internal abstract string TokenString(int id);

    private List<EncodedToken> EncodeScratch(string? text, ReadOnlySpan<char> textSpan, out string input)
    {
        input = text ?? textSpan.ToString();
        var tokens = t_tokens ??= new List<EncodedToken>();
        tokens.Clear();
        EncodeCore(input, AddsSpecialTokens, tokens);
        if (tokens.Capacity > 1 << 20 && tokens.Count < 1 << 16) t_tokens = null; // don't keep a huge buffer
        return tokens;
    }

    /// <inheritdoc/>
    protected override Ml.EncodeResults<Ml.EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, Ml.EncodeSettings settings)
    {
        var tokens = EncodeScratch(text, textSpan, out var input);
        var count = FromStart(tokens, settings.MaxTokenCount);
        var result = new List<Ml.EncodedToken>(count);
        for (var k = 0; k < count; k++)
        {
            var t = tokens[k];
            result.Add(new Ml.EncodedToken(t.Id, TokenString(t.Id), new Range(t.Start, t.End)));
        }
        return new Ml.EncodeResults<Ml.EncodedToken> { Tokens = result, NormalizedText = null, CharsConsumed = StartIndex(tokens, count, input.Length) };
    }

    /// <inheritdoc/>
    protected override Ml.EncodeResults<int> EncodeToIds(string? text, ReadOnlySpan<char> textSpan, Ml.EncodeSettings settings)
    {
        var tokens = EncodeScratch(text, textSpan, out var input);
        var count = FromStart(tokens, settings.MaxTokenCount);
        var ids = new int[count];
        for (var k = 0; k < count; k++) ids[k] = tokens[k].Id;
        return new Ml.EncodeResults<int> { Tokens = ids, NormalizedText = null, CharsConsumed = StartIndex(tokens, count, input.Length) };
    }

    /// <inheritdoc/>
    protected override int CountTokens(string? text, ReadOnlySpan<char> textSpan, Ml.EncodeSettings settings) =>
        FromStart(EncodeScratch(text, textSpan, out _), settings.MaxTokenCount);

    /// <inheritdoc/>
    protected override int GetIndexByTokenCount(string? text, ReadOnlySpan<char> textSpan, Ml.EncodeSettings settings,
        bool fromEnd, out string? normalizedText, out int tokenCount)
    {
        if (settings.MaxTokenCount <= 0)
            throw new ArgumentOutOfRangeException(nameof(settings), settings.MaxTokenCount, "the maximum token count must be positive.");
        normalizedText = null;
        var tokens = EncodeScratch(text, textSpan, out var input);
        if (!fromEnd)
        {
            tokenCount = FromStart(tokens, settings.MaxTokenCount);
            return StartIndex(tokens, tokenCount, input.Length);
        }
        var n = tokens.Count;
        var k = Math.Min(settings.MaxTokenCount, n);
        while (k > 0 && k < n && tokens[n - k].Start < tokens[n - k - 1].End) k--;
        tokenCount = k;
        return k == n ? 0 : k == 0 ? input.Length : tokens[n - k].Start;
    }

    // The most leading tokens, at most max, that end on a character boundary.
    private static int FromStart(List<EncodedToken> tokens, int max)
    {
        var n = tokens.Count;
        var k = Math.Min(max, n);
        while (k > 0 && k < n && tokens[k].Start < tokens[k - 1].End) k--;
        return Math.Max(k, 0);
    }

    private static int StartIndex(List<EncodedToken> tokens, int count, int length) =>
        count == tokens.Count ? length : count == 0 ? 0 : tokens[count - 1].End;

    /// <inheritdoc/>
    /// <remarks>Hugging Face's <c>decode(ids)</c> (special tokens kept, clean-up as tokenizer_config.json says).</remarks>
    public override string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return DecodeCore(ids as IReadOnlyList<int> ?? ids.ToArray());
    }

    /// <inheritdoc/>
    /// <remarks>When the text does not fit, writes the decoding of the longest prefix of the ids that fits and
    /// returns <see cref="OperationStatus.DestinationTooSmall"/>.</remarks>
    public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var list = ids as IReadOnlyList<int> ?? ids.ToArray();
        var text = DecodeCore(list);
        if (text.Length <= destination.Length)
        {
            text.CopyTo(destination);
            idsConsumed = list.Count;
            charsWritten = text.Length;
            return OperationStatus.Done;
        }
        // Largest prefix whose decoding fits (decoded length grows with the prefix, so a binary search finds it).
        int lo = 0, hi = list.Count - 1;
        var best = "";
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            var part = DecodeCore(list.Take(mid).ToArray());
            if (part.Length <= destination.Length)
            {
                lo = mid;
                best = part;
            }
            else hi = mid - 1;
        }
        best.CopyTo(destination);
        idsConsumed = lo;
        charsWritten = best.Length;
        return OperationStatus.DestinationTooSmall;
    }

    private sealed class SpecialTokensView(SftTokenizer inner) : SftTokenizer
    {
        public override bool AddsSpecialTokens => true;

        internal override void EncodeCore(string text, bool addSpecialTokens, List<EncodedToken> output) =>
            inner.EncodeCore(text, addSpecialTokens, output);

        internal override string DecodeCore(IReadOnlyList<int> ids) => inner.DecodeCore(ids);

        internal override string TokenString(int id) => inner.TokenString(id);
    }
}
