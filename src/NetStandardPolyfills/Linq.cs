#if !NET
using System.Collections.Generic;

namespace System.Linq;

/// <summary>LINQ operators newer than netstandard2.0.</summary>
internal static class LinqPolyfills
{
    public static HashSet<T> ToHashSet<T>(this IEnumerable<T> source, IEqualityComparer<T>? comparer = null) => new(source, comparer);

    public static IEnumerable<T[]> Chunk<T>(this IEnumerable<T> source, int size)
    {
        var chunk = new List<T>(size);
        foreach (var item in source)
        {
            chunk.Add(item);
            if (chunk.Count == size) { yield return chunk.ToArray(); chunk.Clear(); }
        }
        if (chunk.Count > 0) yield return chunk.ToArray();
    }

    public static IEnumerable<T> TakeLast<T>(this IEnumerable<T> source, int count)
    {
        var list = source.ToList();
        return list.Skip(Math.Max(0, list.Count - count));
    }

    public static IEnumerable<T> SkipLast<T>(this IEnumerable<T> source, int count)
    {
        var list = source.ToList();
        return list.Take(Math.Max(0, list.Count - count));
    }

    public static TSource? MaxBy<TSource, TKey>(this IEnumerable<TSource> source, Func<TSource, TKey> key)
    {
        var comparer = Comparer<TKey>.Default;
        bool any = false;
        TSource? best = default;
        TKey bestKey = default!;
        foreach (var item in source)
        {
            var k = key(item);
            if (!any || comparer.Compare(k, bestKey) > 0) { best = item; bestKey = k; any = true; }
        }
        return best;
    }

    public static TSource? MinBy<TSource, TKey>(this IEnumerable<TSource> source, Func<TSource, TKey> key)
    {
        var comparer = Comparer<TKey>.Default;
        bool any = false;
        TSource? best = default;
        TKey bestKey = default!;
        foreach (var item in source)
        {
            var k = key(item);
            if (!any || comparer.Compare(k, bestKey) < 0) { best = item; bestKey = k; any = true; }
        }
        return best;
    }
}
#endif
