namespace DeclarativeSft.Torch;

/// <summary>
/// Collects every tensor created on this thread while it is the innermost open scope and disposes them
/// when it ends, so a training step's temporaries are freed at once instead of waiting for the GC.
/// A tensor that must survive is moved out with <see cref="Tensor.MoveToOuterDisposeScope"/> or
/// <see cref="Tensor.DetachFromDisposeScope"/>. Created by <see cref="torch.NewDisposeScope"/>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? current;

    private readonly List<Tensor> tensors = new();
    private bool disposed;

    internal DisposeScope()
    {
        Outer = current;
        current = this;
    }

    /// <summary>The scope that was innermost when this one opened (null at top level).</summary>
    public DisposeScope? Outer { get; }

    internal static DisposeScope? Current => current;

    /// <summary>Number of tensors this scope will dispose.</summary>
    public int Count => tensors.Count(t => ReferenceEquals(t.OwningScope, this) && !t.IsDisposed);

    internal void Add(Tensor tensor)
    {
        tensor.OwningScope = this;
        tensors.Add(tensor);
    }

    /// <summary>Disposes every tensor still owned by this scope and makes the outer scope current.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var t in tensors)
        {
            if (ReferenceEquals(t.OwningScope, this))
            {
                t.OwningScope = null;
                t.Dispose();
            }
        }
        tensors.Clear();
        // Scopes close in LIFO order in normal use; if an inner one leaks, restore to our outer anyway.
        if (ReferenceEquals(current, this) || current is null) current = Outer;
        else
        {
            for (var s = current; s is not null; s = s.Outer)
                if (ReferenceEquals(s.Outer, this)) { current = Outer; break; }
        }
    }
}
