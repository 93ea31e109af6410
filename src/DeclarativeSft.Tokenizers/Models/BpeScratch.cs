using DeclarativeSft.Tokenizers.Text;

namespace DeclarativeSft.Tokenizers.Models;

/// <summary>Per-thread working memory of <see cref="BpeModel"/>: the symbol arrays of the word being merged
/// and the cache of words already encoded, so that the hot path allocates nothing.</summary>
internal sealed class BpeScratch
{
    private const int MaxCachedWords = 200_000;

    public int[] Ids = new int[64];
    public int[] Starts = new int[64];
    public int[] Ends = new int[64];
    public int[] Ranks = new int[64];
    public int[] Prev = new int[64];
    public int[] Next = new int[64];
    public char[] Chars = new char[256];
    public readonly List<ModelToken> Output = new();
    public readonly List<ModelToken> PartsOutput = new();
    public readonly PriorityQueue<int, long> Heap = new();

    private readonly Dictionary<string, ModelToken[]> _cache = new();
    private readonly SpanKeyedLookup<ModelToken[]> _cacheLookup;

    public BpeScratch() => _cacheLookup = new SpanKeyedLookup<ModelToken[]>(_cache);

    public void EnsureSymbols(int count)
    {
        if (count <= Ids.Length) return;
        var size = Math.Max(count, Ids.Length * 2);
        Ids = new int[size];
        Starts = new int[size];
        Ends = new int[size];
        Ranks = new int[size];
        Prev = new int[size];
        Next = new int[size];
    }

    public void EnsureChars(int count)
    {
        if (count > Chars.Length) Chars = new char[Math.Max(count, Chars.Length * 2)];
    }

    public bool TryGetCached(ReadOnlySpan<char> word, out ModelToken[] tokens) =>
        _cacheLookup.TryGetValue(word, out tokens);

    public ModelToken[] AddToCache(ReadOnlySpan<char> word, List<ModelToken> tokens)
    {
        var value = tokens.ToArray();
        if (_cacheLookup.Count >= MaxCachedWords) _cacheLookup.Clear();
        _cacheLookup.Set(word, value);
        return value;
    }

    public void ClearCache() => _cacheLookup.Clear();
}
