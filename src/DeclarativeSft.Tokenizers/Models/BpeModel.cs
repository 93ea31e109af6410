using System.Runtime.CompilerServices;
using DeclarativeSft.Tokenizers.Text;

namespace DeclarativeSft.Tokenizers.Models;

/// <summary>
/// tokenizer.json's <c>{"type": "BPE"}</c> model. Symbols start as bytes (byte-level files: GPT-2, Llama-3, Qwen)
/// or code points (SentencePiece-style files: Llama-2, Gemma), and adjacent pairs are merged lowest rank first,
/// leftmost first among equal ranks — the order Hugging Face's implementations use. Merges are looked up by
/// pair of ids, so merging never builds strings.
/// </summary>
internal sealed class BpeModel
{
    // Words longer than this go through the heap; shorter ones through a linear scan, which is faster there.
    private const int LinearScanLimit = 48;
    // Longer words are rarely repeated; caching them would only fill memory.
    private const int MaxCachedWordLength = 64;

    private readonly SpanKeyedLookup<int> _vocab;
    private readonly PairRankTable _pairRank; // not Dictionary<long, int>: see PairRankTable
    private readonly int[] _mergeResult;
    private readonly int[] _byteIds; // byte-level: id of each byte's character; -1 if missing
    private readonly int[] _fallbackIds; // byte_fallback: id of "<0xXX>"; -1 if missing
    // Character-level models: every pair of adjacent UTF-16 units that occurs inside some vocabulary entry.
    // Between two units that form no such pair no token can ever span, so a long word can be cut there and its
    // parts merged separately (and cached) with exactly the same result.
    private readonly HashSet<int>? _joinablePairs;

    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, bool byteLevel,
        bool byteFallback, int? unkId, bool fuseUnk, bool ignoreMerges)
    {
        _vocab = new SpanKeyedLookup<int>(vocab);
        ByteLevel = byteLevel;
        ByteFallback = byteFallback;
        UnkId = unkId;
        FuseUnk = fuseUnk;
        IgnoreMerges = ignoreMerges;

        _pairRank = new PairRankTable(merges.Count);
        _mergeResult = new int[merges.Count];
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!vocab.TryGetValue(left, out var l) || !vocab.TryGetValue(right, out var r) ||
                !vocab.TryGetValue(string.Concat(left, right), out var merged))
                continue; // a merge producing or using an unknown token can never apply to known symbols
            _mergeResult[rank] = merged;
            _pairRank.TryAdd(l, r, rank);
        }

        if (!byteLevel)
        {
            _joinablePairs = new HashSet<int>();
            foreach (var token in vocab.Keys)
                for (var k = 1; k < token.Length; k++) _joinablePairs.Add((token[k - 1] << 16) | token[k]);
        }

        _byteIds = new int[256];
        _fallbackIds = new int[256];
        Span<char> one = stackalloc char[1];
        for (var b = 0; b < 256; b++)
        {
            one[0] = ByteLevelAlphabet.ByteToChar[b];
            _byteIds[b] = _vocab.TryGetValue(one, out var id) ? id : -1;
            _fallbackIds[b] = vocab.TryGetValue($"<0x{b:X2}>", out var fb) ? fb : -1;
        }
    }

    public bool ByteLevel { get; }

    public bool ByteFallback { get; }

    public int? UnkId { get; }

    public bool FuseUnk { get; }

    public bool IgnoreMerges { get; }

    /// <summary>The merge table's longest probe sequence (for tests of its hashing).</summary>
    internal int LongestPairProbe => _pairRank.LongestProbe();

    internal int PairCount => _pairRank.Count;

    /// <summary>Encodes one piece; offsets are UTF-16 units of <paramref name="word"/>. The returned span is
    /// valid until the next call with the same scratch.</summary>
    public ReadOnlySpan<ModelToken> Encode(ReadOnlySpan<char> word, BpeScratch scratch)
    {
        if (word.Length == 0) return ReadOnlySpan<ModelToken>.Empty;
        if (_joinablePairs is not null && word.Length > MaxCachedWordLength) return EncodeInParts(word, scratch);
        return EncodePart(word, scratch);
    }

    // SentencePiece-style files hand the model whole paragraphs; cutting them where no token can span (usually
    // before each "▁" word start) turns one long merge into many short, cacheable ones.
    private ReadOnlySpan<ModelToken> EncodeInParts(ReadOnlySpan<char> word, BpeScratch scratch)
    {
        var parts = scratch.PartsOutput;
        parts.Clear();
        var start = 0;
        for (var i = 1; i <= word.Length; i++)
        {
            if (i < word.Length && (_joinablePairs!.Contains((word[i - 1] << 16) | word[i]) ||
                                    char.IsHighSurrogate(word[i - 1]) && char.IsLowSurrogate(word[i])))
                continue;
            foreach (var t in EncodePart(word[start..i], scratch))
                parts.Add(new ModelToken(t.Id, t.Start + start, t.End + start));
            start = i;
        }
        return System.Runtime.InteropServices.CollectionsMarshal.AsSpan(parts);
    }

    private ReadOnlySpan<ModelToken> EncodePart(ReadOnlySpan<char> word, BpeScratch scratch)
    {
        var cacheable = word.Length <= MaxCachedWordLength;
        if (cacheable && scratch.TryGetCached(word, out var cached)) return cached;

        var output = scratch.Output;
        output.Clear();
        if (!(IgnoreMerges && TryWholeWord(word, scratch, output)))
        {
            var count = ByteLevel ? LoadBytes(word, scratch) : LoadCodePoints(word, scratch);
            count = count <= LinearScanLimit ? MergeByScan(scratch, count) : MergeByHeap(scratch, count);
            Emit(word, scratch, count, output);
        }
        return cacheable ? scratch.AddToCache(word, output) : System.Runtime.InteropServices.CollectionsMarshal.AsSpan(output);
    }

    // ignore_merges (Llama-3): a piece that is itself a vocabulary entry is one token, whatever the merges say.
    private bool TryWholeWord(ReadOnlySpan<char> word, BpeScratch scratch, List<ModelToken> output)
    {
        ReadOnlySpan<char> key = word;
        if (ByteLevel)
        {
            scratch.EnsureChars(word.Length * 3 + 4);
            var n = 0;
            Span<byte> utf8 = stackalloc byte[4];
            for (var i = 0; i < word.Length;)
            {
                var len = CodePointClass.EncodeUtf8(word, i, utf8, out var width);
                for (var b = 0; b < len; b++) scratch.Chars[n++] = ByteLevelAlphabet.ByteToChar[utf8[b]];
                i += width;
            }
            key = scratch.Chars.AsSpan(0, n);
        }
        if (!_vocab.TryGetValue(key, out var id)) return false;
        output.Add(new ModelToken(id, 0, word.Length));
        return true;
    }

    // One symbol per UTF-8 byte; every byte of a character carries that character's range, so merged symbols
    // get character ranges directly and a character split between tokens is covered by each of them.
    private int LoadBytes(ReadOnlySpan<char> word, BpeScratch scratch)
    {
        scratch.EnsureSymbols(word.Length * 3 + 4);
        var ids = scratch.Ids;
        var starts = scratch.Starts;
        var ends = scratch.Ends;
        var n = 0;
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < word.Length;)
        {
            var c = word[i];
            if (c < 0x80)
            {
                ids[n] = _byteIds[c];
                starts[n] = i;
                ends[n] = i + 1;
                n++;
                i++;
                continue;
            }
            var len = CodePointClass.EncodeUtf8(word, i, utf8, out var width);
            for (var b = 0; b < len; b++)
            {
                ids[n] = _byteIds[utf8[b]];
                starts[n] = i;
                ends[n] = i + width;
                n++;
            }
            i += width;
        }
        return n;
    }

    private int LoadCodePoints(ReadOnlySpan<char> word, BpeScratch scratch)
    {
        scratch.EnsureSymbols(word.Length + 1);
        var n = 0;
        for (var i = 0; i < word.Length;)
        {
            var width = CodePointClass.WidthAt(word, i);
            scratch.Ids[n] = _vocab.TryGetValue(word.Slice(i, width), out var id) ? id : -1;
            scratch.Starts[n] = i;
            scratch.Ends[n] = i + width;
            n++;
            i += width;
        }
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int RankOf(int left, int right) =>
        left >= 0 && right >= 0 && _pairRank.TryGetValue(left, right, out var rank) ? rank : int.MaxValue;

    private int MergeByScan(BpeScratch scratch, int count)
    {
        var ids = scratch.Ids;
        var ends = scratch.Ends;
        var starts = scratch.Starts;
        var ranks = scratch.Ranks; // ranks[k]: rank of the pair (k, k+1)
        for (var k = 0; k + 1 < count; k++) ranks[k] = RankOf(ids[k], ids[k + 1]);
        while (count > 1)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            for (var k = 0; k + 1 < count; k++)
            {
                if (ranks[k] < bestRank)
                {
                    bestRank = ranks[k];
                    best = k;
                }
            }
            if (best < 0) break;
            ids[best] = _mergeResult[bestRank];
            ends[best] = ends[best + 1];
            var tail = count - best - 2;
            if (tail > 0)
            {
                Array.Copy(ids, best + 2, ids, best + 1, tail);
                Array.Copy(starts, best + 2, starts, best + 1, tail);
                Array.Copy(ends, best + 2, ends, best + 1, tail);
                Array.Copy(ranks, best + 2, ranks, best + 1, tail);
            }
            count--;
            if (best > 0) ranks[best - 1] = RankOf(ids[best - 1], ids[best]);
            if (best + 1 < count) ranks[best] = RankOf(ids[best], ids[best + 1]);
        }
        return count;
    }

    // O(n log n) for long words (SentencePiece files give the model whole paragraphs): a heap of candidate
    // merges keyed by (rank, position); entries made stale by earlier merges are skipped when popped.
    private int MergeByHeap(BpeScratch scratch, int count)
    {
        var ids = scratch.Ids;
        var ends = scratch.Ends;
        var prev = scratch.Prev;
        var next = scratch.Next;
        var heap = scratch.Heap;
        heap.Clear();
        for (var k = 0; k < count; k++)
        {
            prev[k] = k - 1;
            next[k] = k + 1 < count ? k + 1 : -1;
        }
        for (var k = 0; k + 1 < count; k++) Push(heap, k, RankOf(ids[k], ids[k + 1]));

        while (heap.TryDequeue(out var pos, out var priority))
        {
            var rank = (int)(priority >> 32);
            var right = next[pos];
            if (ids[pos] == int.MinValue || right < 0 || RankOf(ids[pos], ids[right]) != rank) continue;
            ids[pos] = _mergeResult[rank];
            ends[pos] = ends[right];
            ids[right] = int.MinValue; // removed
            next[pos] = next[right];
            if (next[pos] >= 0) prev[next[pos]] = pos;
            if (prev[pos] >= 0) Push(heap, prev[pos], RankOf(ids[prev[pos]], ids[pos]));
            if (next[pos] >= 0) Push(heap, pos, RankOf(ids[pos], ids[next[pos]]));
        }

        // Compact the surviving symbols to the front, in order.
        var n = 0;
        for (var k = 0; k >= 0 && k < count; k = next[k])
        {
            ids[n] = ids[k];
            scratch.Starts[n] = scratch.Starts[k];
            ends[n] = ends[k];
            n++;
        }
        return n;
    }

    private static void Push(PriorityQueue<int, long> heap, int pos, int rank)
    {
        if (rank != int.MaxValue) heap.Enqueue(pos, ((long)rank << 32) | (uint)pos);
    }

    private void Emit(ReadOnlySpan<char> word, BpeScratch scratch, int count, List<ModelToken> output)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var k = 0; k < count; k++)
        {
            var id = scratch.Ids[k];
            var start = scratch.Starts[k];
            var end = scratch.Ends[k];
            if (id >= 0)
            {
                output.Add(new ModelToken(id, start, end));
                continue;
            }
            // Unknown symbol: a single character (merges only join known tokens).
            if (ByteFallback && !ByteLevel)
            {
                var len = CodePointClass.EncodeUtf8(word, start, utf8, out _);
                var all = true;
                for (var b = 0; b < len; b++) all &= _fallbackIds[utf8[b]] >= 0;
                if (all)
                {
                    for (var b = 0; b < len; b++) output.Add(new ModelToken(_fallbackIds[utf8[b]], start, end));
                    continue;
                }
            }
            // As Hugging Face's JS implementation does, an unknown symbol with no unk token is dropped.
            if (UnkId is { } unk) output.Add(new ModelToken(unk, start, end));
        }
    }
}
