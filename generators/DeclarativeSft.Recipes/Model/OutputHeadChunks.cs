using System;

namespace DeclarativeSft.Recipes;

/// <summary>
/// How many trained positions the output head projects at once. The trainer computes logits a chunk of rows at a
/// time (with each chunk's backward before the next), and the build's memory estimate counts one chunk: one rule
/// for both, so the estimate cannot drift from what the loss allocates.
/// </summary>
public static class OutputHeadChunks
{
    /// <summary>Logit elements per chunk (128 MiB of float32): bounds the head's buffers at any vocabulary size while
    /// keeping each chunk's matmuls large (1,024 rows at 32k vocabulary).</summary>
    public const long LogitElements = 1L << 25;

    /// <summary>Upper bound on rows per chunk, so a tiny vocabulary does not make one unbounded chunk.</summary>
    public const long MaxRows = 4096;

    /// <summary>Rows of hidden states projected per chunk for a vocabulary of <paramref name="vocab"/> tokens.</summary>
    public static long Rows(long vocab) => Math.Max(1, Math.Min(MaxRows, LogitElements / Math.Max(1, vocab)));
}
