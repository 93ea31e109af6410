using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace DeclarativeSft.Recipes;

/// <summary>
/// An immutable array compared by its elements, so records holding lists keep value equality
/// (incremental generator caching depends on it).
/// </summary>
public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
    where T : IEquatable<T>
{
    private readonly T[]? _items;

    /// <summary>Wraps a copy of <paramref name="items"/>.</summary>
    public EquatableArray(IEnumerable<T> items) => _items = items.ToArray();

    private EquatableArray(T[] items, bool _) => _items = items;

    /// <summary>The empty array.</summary>
    public static EquatableArray<T> Empty => new(Array.Empty<T>(), false);

    /// <summary>Number of elements.</summary>
    public int Count => _items?.Length ?? 0;

    /// <summary>Element at <paramref name="index"/>.</summary>
    public T this[int index] => (_items ?? Array.Empty<T>())[index];

    /// <inheritdoc/>
    public bool Equals(EquatableArray<T> other)
    {
        var a = _items ?? Array.Empty<T>();
        var b = other._items ?? Array.Empty<T>();
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (!EqualityComparer<T>.Default.Equals(a[i], b[i])) return false;
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        unchecked
        {
            int hash = 17;
            foreach (var item in _items ?? Array.Empty<T>())
                hash = hash * 31 + (item is null ? 0 : EqualityComparer<T>.Default.GetHashCode(item));
            return hash;
        }
    }

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items ?? Array.Empty<T>())).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Equality by elements.</summary>
    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

    /// <summary>Inequality by elements.</summary>
    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => "[" + string.Join(", ", _items ?? Array.Empty<T>()) + "]";
}

/// <summary>Helpers to build <see cref="EquatableArray{T}"/>.</summary>
public static class EquatableArray
{
    /// <summary>Copies <paramref name="items"/> into an equatable array.</summary>
    public static EquatableArray<T> From<T>(IEnumerable<T> items) where T : IEquatable<T> => new(items);

    /// <summary>Builds an equatable array from the arguments.</summary>
    public static EquatableArray<T> Of<T>(params T[] items) where T : IEquatable<T> => new(items);

    /// <summary>Copies <paramref name="items"/> into an equatable array.</summary>
    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items) where T : IEquatable<T> => new(items);
}
