namespace DeclarativeSft.Torch;

/// <summary>User-facing text of libtorch errors.</summary>
public static class TorchErrors
{
    /// <summary>
    /// The first part of a libtorch error message — what went wrong — without the C++ backtrace TorchSharp appends
    /// ("Exception raised from … (most recent call first): frame #0 …"), which is for libtorch's developers.
    /// </summary>
    public static string Headline(Exception e)
    {
        var message = e.Message;
        int cut = message.IndexOf("Exception raised from", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];
        return string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>Whether a libtorch error is an allocation failure (CPU or CUDA): the machine's limit, not a bug.</summary>
    public static bool IsOutOfMemory(Exception e) =>
        e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("DefaultCPUAllocator: can't allocate memory", StringComparison.Ordinal);
}
