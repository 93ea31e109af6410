namespace DeclarativeSft.Tokenizers.Text;

/// <summary>
/// A string-keyed table read and written by <c>ReadOnlySpan&lt;char&gt;</c> keys, so that the encoder's hot path
/// allocates no string per word. On net10.0 it is .NET 9's alternate lookup over the dictionary it is given; the
/// netstandard2.0 build (run inside the source generator) has no alternate lookups, so it keeps its own open-addressing
/// table (a copy of the dictionary's entries) compared by span.
/// </summary>
internal sealed class SpanKeyedLookup<TValue>
{
#if NET
    private readonly Dictionary<string, TValue>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public SpanKeyedLookup(Dictionary<string, TValue> dictionary) => _lookup = dictionary.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _lookup.Dictionary.Count;

    public bool TryGetValue(ReadOnlySpan<char> key, out TValue value) => _lookup.TryGetValue(key, out value!);

    public void Set(ReadOnlySpan<char> key, TValue value) => _lookup[key] = value;

    public void Clear() => _lookup.Dictionary.Clear();
#else
    private string?[] _keys;
    private TValue[] _values;
    private int _count;

    public SpanKeyedLookup(Dictionary<string, TValue> dictionary)
    {
        _keys = new string?[Capacity(dictionary.Count)];
        _values = new TValue[_keys.Length];
        foreach (var pair in dictionary) Set(pair.Key.AsSpan(), pair.Value);
    }

    public int Count => _count;

    public bool TryGetValue(ReadOnlySpan<char> key, out TValue value)
    {
        int mask = _keys.Length - 1;
        for (int i = Hash(key) & mask; ; i = (i + 1) & mask)
        {
            var k = _keys[i];
            if (k is null) break;
            if (key.SequenceEqual(k.AsSpan())) { value = _values[i]; return true; }
        }
        value = default!;
        return false;
    }

    public void Set(ReadOnlySpan<char> key, TValue value)
    {
        if ((_count + 1) * 2 > _keys.Length) Grow();
        int mask = _keys.Length - 1;
        for (int i = Hash(key) & mask; ; i = (i + 1) & mask)
        {
            var k = _keys[i];
            if (k is null)
            {
                _keys[i] = key.ToString();
                _values[i] = value;
                _count++;
                return;
            }
            if (key.SequenceEqual(k.AsSpan())) { _values[i] = value; return; }
        }
    }

    public void Clear()
    {
        Array.Clear(_keys, 0, _keys.Length);
        Array.Clear(_values, 0, _values.Length);
        _count = 0;
    }

    private void Grow()
    {
        var (keys, values) = (_keys, _values);
        _keys = new string?[keys.Length * 2];
        _values = new TValue[_keys.Length];
        _count = 0;
        for (int i = 0; i < keys.Length; i++)
            if (keys[i] is { } k) Set(k.AsSpan(), values[i]);
    }

    // Load factor at most 1/2: probes stay short.
    private static int Capacity(int count)
    {
        int size = 16;
        while (size < count * 2) size *= 2;
        return size;
    }

    private static int Hash(ReadOnlySpan<char> key)
    {
        uint h = 2166136261;
        foreach (var c in key) h = (h ^ c) * 16777619;
        return (int)(h ^ (h >> 15));
    }
#endif
}
