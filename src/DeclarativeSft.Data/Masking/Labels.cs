namespace DeclarativeSft.Data;

/// <summary>Label conventions shared by data, model and trainer.</summary>
public static class Labels
{
    /// <summary>The label of a position that does not contribute to the loss (PyTorch's cross-entropy default).</summary>
    public const int IgnoreIndex = -100;
}
