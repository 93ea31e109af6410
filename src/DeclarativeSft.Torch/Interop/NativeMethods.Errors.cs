using System.Runtime.InteropServices;

namespace DeclarativeSft.Torch.Interop;

/// <summary>P/Invoke declarations for libdsft_torch, one partial file per native area.</summary>
internal static partial class NativeMethods
{
    internal const string Library = "dsft_torch";

    // Runs before the first P/Invoke of this class, i.e. before libdsft_torch (and libgomp with it) is loaded.
    static NativeMethods() => OpenMpWaitPolicy.Apply();

    [LibraryImport(Library)]
    private static partial IntPtr dsft_take_last_error();

    /// <summary>Reads and clears the calling thread's last native error.</summary>
    internal static string? TakeLastError()
    {
        IntPtr message = dsft_take_last_error();
        return message == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(message);
    }

    /// <summary>Throws the pending native error when a call that returns a handle returned null.</summary>
    internal static IntPtr Check(IntPtr handle)
    {
        if (handle == IntPtr.Zero) throw new TorchException(TakeLastError() ?? "native call failed without a message");
        return handle;
    }

    /// <summary>Throws the pending native error when a call that returns a status failed.</summary>
    internal static void Check(int status)
    {
        if (status != 0) throw new TorchException(TakeLastError() ?? "native call failed without a message");
    }
}
