using System.Text;

namespace DeclarativeSft.Data;

/// <summary>Writes files as a whole or not at all: to a temporary file in the same folder, then renamed.</summary>
public static class AtomicFile
{
    /// <exception cref="UserErrorException">The folder cannot be created or written (permission, full disk): names the path.</exception>
    public static void WriteAllText(string path, string contents)
    {
        string full = Path.GetFullPath(path);
        try { Write(full, contents); }
        catch (Exception e) when (UserErrorException.FromIo(e, full, "cannot write this file") is { } user) { throw user; }
    }

    private static void Write(string full, string contents)
    {
        string directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllText(temp, contents, new UTF8Encoding(false));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
