using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Data.Tests.Support;

/// <summary>
/// Test-only tokenizer: declared special tokens match as one token; line breaks are tokens; other text splits into
/// "spaces + word" pieces, like GPT-2's " Hi", so tokens can straddle template markup and content. Ids are assigned on first
/// sight, so Decode(Encode(x)) == x and offsets are exact by construction.
/// </summary>
internal sealed class WordTestTokenizer : ITokenizer
{
    private readonly List<string> _specials;
    private readonly Dictionary<string, int> _ids = new();
    private readonly List<string> _pieces = [];

    public WordTestTokenizer(IEnumerable<string> specialTokens, string? bos = null, string? eos = null)
    {
        _specials = specialTokens.Distinct().OrderByDescending(s => s.Length).ToList();
        foreach (var s in _specials) Id(s);
        if (bos != null) BosTokenId = Id(bos);
        if (eos != null) EosTokenId = Id(eos);
    }

    public int VocabSize => _pieces.Count;

    public int? BosTokenId { get; }

    public int? EosTokenId { get; }

    public bool IsSpecial(int id) => _specials.Contains(_pieces[id]);

    public IReadOnlyList<EncodedToken> EncodeWithOffsets(string text, bool addSpecialTokens = false)
    {
        var result = new List<EncodedToken>();
        if (addSpecialTokens && BosTokenId is int bos) result.Add(new EncodedToken(bos, 0, 0));
        int i = 0;
        while (i < text.Length)
        {
            string? special = SpecialAt(text, i);
            if (special != null)
            {
                result.Add(new EncodedToken(Id(special), i, i + special.Length));
                i += special.Length;
                continue;
            }
            int j = i;
            if (text[i] is '\n' or '\r')
            {
                // Line breaks are their own token, as in GPT-2-style pre-tokenizers.
                while (j < text.Length && text[j] is '\n' or '\r' && SpecialAt(text, j) == null) j++;
                result.Add(new EncodedToken(Id(text[i..j]), i, j));
                i = j;
                continue;
            }
            while (j < text.Length && text[j] is ' ' or '\t' && SpecialAt(text, j) == null) j++;
            while (j < text.Length && !char.IsWhiteSpace(text[j]) && SpecialAt(text, j) == null) j++;
            if (j == i) j++; // other whitespace (e.g. U+00A0) is a token of its own
            result.Add(new EncodedToken(Id(text[i..j]), i, j));
            i = j;
        }
        return result;
    }

    public int[] Encode(string text, bool addSpecialTokens = false) =>
        EncodeWithOffsets(text, addSpecialTokens).Select(t => t.Id).ToArray();

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) =>
        string.Concat(ids.Where(id => !skipSpecialTokens || !IsSpecial(id)).Select(id => _pieces[id]));

    public int? TokenToId(string token) => _ids.TryGetValue(token, out int id) ? id : null;

    public string? IdToToken(int id) => id >= 0 && id < _pieces.Count ? _pieces[id] : null;

    private string? SpecialAt(string text, int i)
    {
        foreach (var s in _specials)
            if (string.CompareOrdinal(text, i, s, 0, s.Length) == 0) return s;
        return null;
    }

    private int Id(string piece)
    {
        if (!_ids.TryGetValue(piece, out int id))
        {
            id = _pieces.Count;
            _pieces.Add(piece);
            _ids[piece] = id;
        }
        return id;
    }
}
