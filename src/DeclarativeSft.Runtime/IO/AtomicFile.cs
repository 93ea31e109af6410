using System.Text;

namespace DeclarativeSft.Runtime;

/// <summary>Writes files so that readers see either the old content or the new, never a partial file:
/// write to a temporary name in the same folder, flush, rename over the target.</summary>
public static class AtomicFile
{
    /// <summary>Writes UTF-8 text (no BOM) atomically.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));

    /// <summary>Writes bytes atomically.</summary>
    /// <exception cref="UserErrorException">The folder cannot be created or written (permission, full disk): names the path.</exception>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var full = Path.GetFullPath(path);
        try { Write(full, bytes); }
        catch (Exception e) when (UserErrorException.FromIo(e, full, "cannot write this file") is { } user) { throw user; }
    }

    private static void Write(string full, ReadOnlySpan<byte> bytes)
    {
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                fs.Write(bytes);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch { /* keep the original error */ }
            throw;
        }
    }
}
