#if !NET
using System.Collections.Generic;

namespace System.Runtime.InteropServices;

/// <summary>netstandard2.0 cannot see a List's backing array: a copy stands in (the generator's path only).</summary>
internal static class CollectionsMarshal
{
    public static Span<T> AsSpan<T>(List<T>? list) => list is null ? default : list.ToArray();
}
#endif
