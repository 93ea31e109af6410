namespace DeclarativeSft.Tokenizers.Text;

/// <summary>
/// A <c>Dictionary&lt;string, TValue&gt;</c> read and written by <c>ReadOnlySpan&lt;char&gt;</c> keys. On net10.0 it is
/// .NET 9's alternate lookup, so the encoder's hot path allocates no string per word; the netstandard2.0 build (run
/// inside the source generator) has no alternate lookups and makes the string.
/// </summary>
internal readonly struct SpanKeyedLookup<TValue>
{
#if NET
    private readonly Dictionary<string, TValue>.AlternateLookup<ReadOnlySpan<char>> _lookup;
#else
    private readonly Dictionary<string, TValue> _lookup;
#endif

    public SpanKeyedLookup(Dictionary<string, TValue> dictionary)
    {
#if NET
        _lookup = dictionary.GetAlternateLookup<ReadOnlySpan<char>>();
#else
        _lookup = dictionary;
#endif
    }

    public bool TryGetValue(ReadOnlySpan<char> key, out TValue value)
    {
#if NET
        return _lookup.TryGetValue(key, out value!);
#else
        return _lookup.TryGetValue(key.ToString(), out value!);
#endif
    }

    public TValue this[ReadOnlySpan<char> key]
    {
#if NET
        set => _lookup[key] = value;
#else
        set => _lookup[key.ToString()] = value;
#endif
    }
}
