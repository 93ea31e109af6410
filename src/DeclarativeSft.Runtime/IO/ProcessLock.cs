using System.Globalization;

namespace DeclarativeSft.Runtime;

/// <summary>
/// A lock file holding its owner's process id (<c>.sft-lock</c> in a training output folder): a second run on the
/// same folder refuses while the owner lives; the lock of a process that is gone (killed, crashed) is taken over.
/// Re-entrant within one process (the recipe's train command and its trainer both take it).
/// </summary>
public sealed class ProcessLock : IDisposable
{
    /// <summary>The lock file's name inside the folder.</summary>
    public const string FileName = ".sft-lock";

    private static readonly Dictionary<string, int> Held = new(StringComparer.Ordinal);
    private readonly string _path;
    private bool _disposed;

    private ProcessLock(string path) => _path = path;

    /// <summary>Whether a process with this id runs (Linux: /proc/PID exists and is not a zombie).</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0) return false;
        if (pid == Environment.ProcessId) return true;
        if (Directory.Exists("/proc/self"))
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                int close = stat.LastIndexOf(')');
                return close < 0 || close + 2 >= stat.Length || stat[close + 2] != 'Z';
            }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return true; }
        }
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>Takes the lock of <paramref name="folder"/> (created when missing) or throws
    /// <see cref="UserErrorException"/> naming the owner's pid and what to do.</summary>
    public static ProcessLock Acquire(string folder)
    {
        try { Directory.CreateDirectory(folder); }
        catch (Exception e) when (UserErrorException.FromIo(e, Path.GetFullPath(folder), "cannot create the output folder") is { } user) { throw user; }
        var path = Path.Combine(Path.GetFullPath(folder), FileName);
        lock (Held)
        {
            if (Held.TryGetValue(path, out var n)) { Held[path] = n + 1; return new ProcessLock(path); }
            for (int attempt = 0; attempt < 3; attempt++)
            {
                try
                {
                    using (var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                    using (var w = new StreamWriter(fs))
                        w.Write(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
                    Held[path] = 1;
                    return new ProcessLock(path);
                }
                catch (IOException) when (File.Exists(path))
                {
                    string text;
                    try { text = File.ReadAllText(path).Trim(); }
                    catch (FileNotFoundException) { continue; }
                    if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var owner) && IsAlive(owner) && owner != Environment.ProcessId)
                        throw new UserErrorException($"{path}: another run (pid {owner}) is training into {Path.GetDirectoryName(path)}. Wait for it to finish, stop it, or use another output folder (--output); two runs on one folder would mix their checkpoints.");
                    // The owner is gone (killed or crashed) or the file is damaged: take the lock over.
                    try { File.Delete(path); } catch (FileNotFoundException) { }
                }
            }
            throw new UserErrorException($"{path}: could not take the lock of this output folder; remove the file if no run is using the folder.");
        }
    }

    /// <summary>Releases the lock (the file is removed when the last holder in this process releases it).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        lock (Held)
        {
            if (!Held.TryGetValue(_path, out var n)) return;
            if (n > 1) { Held[_path] = n - 1; return; }
            Held.Remove(_path);
            try
            {
                if (File.Exists(_path) && File.ReadAllText(_path).Trim() == Environment.ProcessId.ToString(CultureInfo.InvariantCulture)) File.Delete(_path);
            }
            catch (IOException) { }
        }
    }
}
