using System.Numerics;
using System.Runtime.CompilerServices;

namespace DeclarativeSft.Tokenizers.Models;

/// <summary>
/// Merge rank of each pair of token ids: an open-addressing table keyed by <c>(left &lt;&lt; 32) | right</c>
/// with a multiplicative (Fibonacci) hash. A <c>Dictionary&lt;long, int&gt;</c> must not be used here: the
/// default <see cref="long"/> hash folds the key to <c>left ^ right</c>, and real merge lists collide massively
/// under it (Llama-3's 280,147 merges share 87,451 hash codes, up to 548 on one), which made long unseen
/// words and runs of one character an order of magnitude slower.
/// </summary>
internal sealed class PairRankTable
{
    private const long Empty = -1; // keys are never negative: left >= 0
    private readonly long[] _keys;
    private readonly int[] _values;
    private readonly int _shift;
    private readonly int _mask;

    public PairRankTable(int capacity)
    {
        // Load factor at most 1/2: probes stay short.
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity * 2));
        _keys = new long[size];
        Array.Fill(_keys, Empty);
        _values = new int[size];
        _mask = size - 1;
        _shift = 64 - BitOperations.Log2((uint)size);
    }

    public int Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> _shift);

    /// <summary>Adds the pair unless present (the first, lowest rank wins); false when it was present.</summary>
    public bool TryAdd(int left, int right, int value)
    {
        if (left < 0 || right < 0) throw new ArgumentOutOfRangeException(nameof(left), "token ids are never negative");
        if (Count * 2 >= _keys.Length) throw new InvalidOperationException("pair table is full");
        var key = Key(left, right);
        for (var slot = Slot(key); ; slot = (slot + 1) & _mask)
        {
            var k = _keys[slot];
            if (k == key) return false;
            if (k != Empty) continue;
            _keys[slot] = key;
            _values[slot] = value;
            Count++;
            return true;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(int left, int right, out int value)
    {
        var key = Key(left, right);
        var keys = _keys;
        for (var slot = Slot(key); ; slot = (slot + 1) & _mask)
        {
            var k = keys[slot];
            if (k == key)
            {
                value = _values[slot];
                return true;
            }
            if (k == Empty)
            {
                value = 0;
                return false;
            }
        }
    }

    /// <summary>The longest probe sequence of any stored key (1 = found in its home slot); for tests.</summary>
    public int LongestProbe()
    {
        var longest = 0;
        for (var slot = 0; slot < _keys.Length; slot++)
        {
            if (_keys[slot] == Empty) continue;
            var distance = ((slot - Slot(_keys[slot])) & _mask) + 1;
            longest = Math.Max(longest, distance);
        }
        return longest;
    }
}
