#if !NET
namespace System.Collections.Generic;

/// <summary>.NET 9's insertion-ordered dictionary (Python dict semantics for the Jinja engine): a list of pairs in
/// order plus an index by key. Removal is O(n), which template dictionaries (a few keys) never notice.</summary>
internal sealed class OrderedDictionary<TKey, TValue> : IDictionary<TKey, TValue>, IReadOnlyDictionary<TKey, TValue> where TKey : notnull
{
    private readonly List<KeyValuePair<TKey, TValue>> _items = new();
    private readonly Dictionary<TKey, int> _index;

    public OrderedDictionary() => _index = new Dictionary<TKey, int>();

    public OrderedDictionary(IEqualityComparer<TKey>? comparer) => _index = new Dictionary<TKey, int>(comparer);

    public TValue this[TKey key]
    {
        get => _index.TryGetValue(key, out var i) ? _items[i].Value : throw new KeyNotFoundException($"The key '{key}' was not found.");
        set
        {
            if (_index.TryGetValue(key, out var i)) _items[i] = new KeyValuePair<TKey, TValue>(key, value);
            else Add(key, value);
        }
    }

    public int Count => _items.Count;
    public bool IsReadOnly => false;
    public ICollection<TKey> Keys => _items.ConvertAll(p => p.Key);
    public ICollection<TValue> Values => _items.ConvertAll(p => p.Value);
    IEnumerable<TKey> IReadOnlyDictionary<TKey, TValue>.Keys => Keys;
    IEnumerable<TValue> IReadOnlyDictionary<TKey, TValue>.Values => Values;

    public void Add(TKey key, TValue value)
    {
        _index.Add(key, _items.Count);
        _items.Add(new KeyValuePair<TKey, TValue>(key, value));
    }

    public bool ContainsKey(TKey key) => _index.ContainsKey(key);

    public bool TryGetValue(TKey key, out TValue value)
    {
        if (_index.TryGetValue(key, out var i)) { value = _items[i].Value; return true; }
        value = default!;
        return false;
    }

    public bool Remove(TKey key)
    {
        if (!_index.TryGetValue(key, out var i)) return false;
        _items.RemoveAt(i);
        _index.Remove(key);
        for (int k = i; k < _items.Count; k++) _index[_items[k].Key] = k;
        return true;
    }

    public void Clear() { _items.Clear(); _index.Clear(); }

    public int IndexOf(TKey key) => _index.TryGetValue(key, out var i) ? i : -1;

    public KeyValuePair<TKey, TValue> GetAt(int index) => _items[index];

    public void Add(KeyValuePair<TKey, TValue> item) => Add(item.Key, item.Value);
    public bool Contains(KeyValuePair<TKey, TValue> item) => TryGetValue(item.Key, out var v) && EqualityComparer<TValue>.Default.Equals(v, item.Value);
    public void CopyTo(KeyValuePair<TKey, TValue>[] array, int arrayIndex) => _items.CopyTo(array, arrayIndex);
    public bool Remove(KeyValuePair<TKey, TValue> item) => Contains(item) && Remove(item.Key);
    public List<KeyValuePair<TKey, TValue>>.Enumerator GetEnumerator() => _items.GetEnumerator();
    IEnumerator<KeyValuePair<TKey, TValue>> IEnumerable<KeyValuePair<TKey, TValue>>.GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();
}
#endif
