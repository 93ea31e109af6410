using System;
using System.IO;
using System.Runtime.InteropServices;

namespace DeclarativeSft.Recipes;

/// <summary>What a path names on disk: a regular file, a folder, or something else (a device such as /dev/zero, a
/// pipe, a socket) that must never be read as data — reading /dev/zero never ends, opening a FIFO blocks until a
/// writer comes. The build's inputs step, <c>sft validate</c> and the run ask this one question before reading.</summary>
public static class FileKinds
{
    private const int IfMt = 0xF000, IfReg = 0x8000;

    /// <summary>"a folder", "a character device", "a named pipe" … for a path that exists and is no regular file
    /// (links followed); null for a regular file or a missing path.</summary>
    public static string? NotRegular(string path)
    {
        if (Directory.Exists(path)) return "a folder";
        if (!File.Exists(path)) return null;
        var mode = Mode(path);
        if (mode is null || (mode.Value & IfMt) == IfReg) return null;
        return (mode.Value & IfMt) switch
        {
            0x2000 => "a character device",
            0x6000 => "a block device",
            0x1000 => "a named pipe",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
    }

    /// <summary>st_mode of <paramref name="path"/> (following links), or null where it cannot be read. Linux only:
    /// elsewhere devices and pipes do not pass File.Exists (Windows) or are not worth a second struct layout.</summary>
    private static int? Mode(string path)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return null;
        int offset = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 24,   // st_dev, st_ino, st_nlink (8 bytes each), then st_mode
            Architecture.Arm64 => 16, // st_dev, st_ino, then st_mode
            _ => -1,
        };
        if (offset < 0) return null;
        var buffer = new byte[256];
        try
        {
            int rc;
            try { rc = Stat(path, buffer); }
            catch (EntryPointNotFoundException) { rc = XStat(1, path, buffer); } // glibc before 2.33
            return rc == 0 ? BitConverter.ToInt32(buffer, offset) : null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException || e is DllNotFoundException) { return null; }
    }

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int Stat(string path, byte[] buffer);

    [DllImport("libc", EntryPoint = "__xstat", SetLastError = true)]
    private static extern int XStat(int version, string path, byte[] buffer);
}
