using System.Text;

namespace DeclarativeSft.Testing;

/// <summary>A fresh, uniquely named folder under the system temp directory, deleted with everything in it on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    /// <param name="prefix">The start of the folder's name, so that a folder a crashed test left behind says whose it is.</param>
    public TempFolder(string prefix = "sft-tests-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>Absolute path of the folder.</summary>
    public string Path { get; }

    /// <summary>Absolute path of <paramref name="relativePath"/> inside the folder (nothing is created).</summary>
    public string this[string relativePath] => System.IO.Path.Combine(Path, relativePath);

    /// <summary>Writes a file (UTF-8, no BOM) inside the folder, creating its parent folders; returns its absolute path.</summary>
    public string Write(string relativePath, string content)
    {
        string full = this[relativePath];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content, new UTF8Encoding(false));
        return full;
    }

    public void Dispose()
    {
        // A child process that still holds a file (or a read-only file a test made) must not turn a passing test into a
        // failing one: the OS cleans the temp directory eventually.
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
