#if !NET
namespace System.Collections.Generic;

/// <summary>The subset of .NET 6's min-heap that the BPE merge loop uses: Enqueue, TryDequeue, Count, Clear.</summary>
internal sealed class PriorityQueue<TElement, TPriority>
{
    private readonly List<(TElement Element, TPriority Priority)> _heap = new();
    private readonly IComparer<TPriority> _comparer = Comparer<TPriority>.Default;

    public int Count => _heap.Count;

    public void Clear() => _heap.Clear();

    public void Enqueue(TElement element, TPriority priority)
    {
        _heap.Add((element, priority));
        int i = _heap.Count - 1;
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (_comparer.Compare(_heap[parent].Priority, _heap[i].Priority) <= 0) break;
            (_heap[parent], _heap[i]) = (_heap[i], _heap[parent]);
            i = parent;
        }
    }

    public bool TryDequeue(out TElement element, out TPriority priority)
    {
        if (_heap.Count == 0)
        {
            element = default!;
            priority = default!;
            return false;
        }
        (element, priority) = _heap[0];
        int last = _heap.Count - 1;
        _heap[0] = _heap[last];
        _heap.RemoveAt(last);
        int i = 0;
        while (true)
        {
            int left = 2 * i + 1, right = left + 1, smallest = i;
            if (left < _heap.Count && _comparer.Compare(_heap[left].Priority, _heap[smallest].Priority) < 0) smallest = left;
            if (right < _heap.Count && _comparer.Compare(_heap[right].Priority, _heap[smallest].Priority) < 0) smallest = right;
            if (smallest == i) break;
            (_heap[smallest], _heap[i]) = (_heap[i], _heap[smallest]);
            i = smallest;
        }
        return true;
    }

    public TElement Dequeue() => TryDequeue(out var element, out _) ? element : throw new InvalidOperationException("The queue is empty.");

    public bool TryPeek(out TElement element, out TPriority priority)
    {
        if (_heap.Count == 0)
        {
            element = default!;
            priority = default!;
            return false;
        }
        (element, priority) = _heap[0];
        return true;
    }
}
#endif
