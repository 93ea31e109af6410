using System.Text;
using DeclarativeSft.Tokenizers.AddedTokens;
using DeclarativeSft.Tokenizers.Text;

namespace DeclarativeSft.Tokenizers;

/// <summary>
/// The <c>builtin:bytes</c> tokenizer for models trained from scratch: ids 0–255 are the UTF-8 bytes of the
/// text, and named special tokens (e.g. <c>&lt;|im_start|&gt;</c>, <c>&lt;|im_end|&gt;</c>,
/// <c>&lt;|endoftext|&gt;</c>) follow from 256 in the order given. Special-token strings are split out of the
/// text first; every byte token's span is the character it belongs to. It is also a
/// <see cref="Microsoft.ML.Tokenizers.Tokenizer"/> (see <see cref="SftTokenizer"/>).
/// </summary>
public sealed class ByteTokenizer : SftTokenizer, ITokenizer
{
    private const int ByteCount = 256;
    private static readonly string[] ByteNames = Enumerable.Range(0, ByteCount).Select(b => $"<0x{b:X2}>").ToArray();
    private readonly List<string> _specials = new();
    private readonly Dictionary<string, int> _specialIds = new();
    private AddedTokenMatcher _matcher = new([]);

    /// <param name="specialTokens">Special tokens, given ids 256, 257, … in order.</param>
    /// <param name="bosToken">Token put first by <c>Encode(addSpecialTokens: true)</c>; added to the specials if absent.</param>
    /// <param name="eosToken">The end-of-sequence token; added to the specials if absent.</param>
    public ByteTokenizer(IEnumerable<string>? specialTokens = null, string? bosToken = null, string? eosToken = null)
    {
        AddSpecialTokens(specialTokens ?? []);
        if (bosToken is not null) BosTokenId = AddSpecialTokens([bosToken])[0];
        if (eosToken is not null) EosTokenId = AddSpecialTokens([eosToken])[0];
    }

    /// <inheritdoc/>
    public int VocabSize => ByteCount + _specials.Count;

    /// <inheritdoc/>
    public int? BosTokenId { get; }

    /// <inheritdoc/>
    public int? EosTokenId { get; }

    /// <summary>The special tokens in id order (the first has id 256).</summary>
    public IReadOnlyList<string> SpecialTokens => _specials;

    /// <inheritdoc/>
    public IReadOnlyList<int> AddSpecialTokens(IEnumerable<string> tokens)
    {
        var ids = new List<int>();
        foreach (var token in tokens)
        {
            if (string.IsNullOrEmpty(token)) throw new ArgumentException("a special token cannot be empty", nameof(tokens));
            if (!_specialIds.TryGetValue(token, out var id))
            {
                id = VocabSize;
                _specials.Add(token);
                _specialIds[token] = id;
            }
            ids.Add(id);
        }
        _matcher = new AddedTokenMatcher(_specials.Select(s => new AddedToken(_specialIds[s], s, Special: true)));
        return ids;
    }

    /// <inheritdoc/>
    public int[] Encode(string text, bool addSpecialTokens = false) =>
        EncodeWithOffsets(text, addSpecialTokens).Select(t => t.Id).ToArray();

    /// <inheritdoc/>
    public IReadOnlyList<EncodedToken> EncodeWithOffsets(string text, bool addSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<EncodedToken>(text.Length + 2);
        EncodeCore(text, addSpecialTokens, output);
        return output;
    }

    internal override string DecodeCore(IReadOnlyList<int> ids) => Decode(ids, skipSpecialTokens: false);

    internal override string TokenString(int id) =>
        IdToToken(id) ?? throw new ArgumentOutOfRangeException(nameof(id), id, $"token id {id} is not in the builtin:bytes vocabulary (size {VocabSize}).");

    internal override void EncodeCore(string text, bool addSpecialTokens, List<EncodedToken> output)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (addSpecialTokens && BosTokenId is { } bos) output.Add(new EncodedToken(bos, 0, 0));
        var segments = new List<TextSegment>();
        _matcher.Split(text, 0, text.Length, segments);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var segment in segments)
        {
            if (segment.Token is { } token)
            {
                output.Add(new EncodedToken(token.Id, segment.Start, segment.End));
                continue;
            }
            for (var i = segment.Start; i < segment.End;)
            {
                var length = CodePointClass.EncodeUtf8(text.AsSpan(0, segment.End), i, utf8, out var width);
                for (var b = 0; b < length; b++) output.Add(new EncodedToken(utf8[b], i, i + width));
                i += width;
            }
        }
    }

    /// <inheritdoc/>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        var result = new StringBuilder();
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if (id is >= 0 and < ByteCount)
            {
                bytes.Add((byte)id);
                continue;
            }
            if (id < 0 || id >= VocabSize)
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id {id} is not in the builtin:bytes vocabulary (size {VocabSize}).");
            Flush(bytes, result);
            if (!skipSpecialTokens) result.Append(_specials[id - ByteCount]);
        }
        Flush(bytes, result);
        return result.ToString();
    }

    private static void Flush(List<byte> bytes, StringBuilder result)
    {
        if (bytes.Count == 0) return;
        result.Append(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)));
        bytes.Clear();
    }

    /// <inheritdoc/>
    /// <remarks>Byte tokens are named <c>&lt;0xXX&gt;</c>.</remarks>
    public int? TokenToId(string token)
    {
        if (_specialIds.TryGetValue(token, out var id)) return id;
        if (token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>' &&
            byte.TryParse(token.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var b))
            return b;
        return null;
    }

    /// <inheritdoc/>
    public string? IdToToken(int id) => id switch
    {
        >= 0 and < ByteCount => ByteNames[id],
        _ when id >= ByteCount && id < VocabSize => _specials[id - ByteCount],
        _ => null,
    };
}
