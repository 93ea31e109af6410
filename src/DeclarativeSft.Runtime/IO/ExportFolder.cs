using System.Runtime.InteropServices;
using System.Text.Json;

namespace DeclarativeSft.Runtime;

/// <summary>
/// Folders that DeclarativeSft writes whole (exports: <c>sft merge/export --output</c>, a recipe's adapter/, merged/,
/// full/). Such a folder is only ever replaced when it is empty, absent, or a previous export of ours — recognised by
/// <see cref="MarkerFile"/>, which every export carries — and never when it is <c>/</c>, a folder the export reads
/// from (base model, adapter, checkpoint) or one that holds them. The replacement is assembled beside the target and
/// swapped in with one atomic exchange of names (Linux renameat2 RENAME_EXCHANGE), so a kill at any moment leaves the
/// old export or the new one under the target's name; leftovers of an interrupted write are removed by the next one.
/// </summary>
public static class ExportFolder
{
    /// <summary>The file that marks a folder as an export written by DeclarativeSft.</summary>
    public const string MarkerFile = ".sft-export.json";

    /// <summary>Test hook: <c>SFT_TEST_EXPORT_KILL_AT=N</c> kills this process (SIGKILL) at phase N of a replacement
    /// (1 = new folder partly written, 2 = new folder complete, 3 = swapped, old one not yet removed).</summary>
    public const string KillAtVariable = "SFT_TEST_EXPORT_KILL_AT";

    /// <summary>Test hook: <c>SFT_TEST_EXPORT_NO_EXCHANGE=1</c> replaces with two renames, as on a filesystem without
    /// RENAME_EXCHANGE (phase 4 = between the two renames).</summary>
    public const string NoExchangeVariable = "SFT_TEST_EXPORT_NO_EXCHANGE";

    private const string NewTag = ".sft-new.";
    private const string OldTag = ".sft-old.";

    /// <summary>Throws <see cref="IOException"/> (one line: the folder, why, what to do) unless
    /// <paramref name="target"/> may be replaced by an export; <paramref name="inputs"/> are the folders it reads.</summary>
    public static void CheckTarget(string target, IEnumerable<string?> inputs, string what = "output folder")
    {
        var full = Normalize(target);
        if (Path.GetPathRoot(full) == full || full == Normalize(Path.GetTempPath()) || full == Normalize(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)))
            throw new UserErrorException($"{full}: refusing to write an export over this folder ({what}); choose a new folder, e.g. out/merged.");
        foreach (var input in inputs)
        {
            if (string.IsNullOrEmpty(input)) continue;
            var i = Normalize(input);
            if (i == full)
                throw new UserErrorException($"{full}: the {what} is the same folder as an input of this export; it would be destroyed. Choose another folder.");
            if (IsInside(i, full))
                throw new UserErrorException($"{full}: the {what} contains {i}, an input of this export; replacing it would destroy that. Choose another folder.");
        }
        if (File.Exists(full))
            throw new UserErrorException($"{full}: the {what} is a file, not a folder; nothing was written. Choose a folder path.");
        if (!Directory.Exists(full)) return;
        if (new DirectoryInfo(full).LinkTarget is not null)
            throw new UserErrorException($"{full}: the {what} is a symbolic link; nothing was written. Pass the folder it points to, or a new folder.");
        if (IsOurs(full) || !Directory.EnumerateFileSystemEntries(full).Any()) return;
        throw new UserErrorException($"{full}: the {what} is not empty and is not an earlier export of DeclarativeSft (it has no {MarkerFile}); nothing was written or deleted. Choose a new or empty folder, or move its files away yourself.");
    }

    /// <summary>Whether <paramref name="folder"/> carries the export marker.</summary>
    public static bool IsOurs(string folder) => File.Exists(Path.Combine(folder, MarkerFile));

    /// <summary>
    /// Writes a new export into <paramref name="target"/>: checks it (<see cref="CheckTarget"/>), assembles the new
    /// content with <paramref name="write"/> in a sibling folder, adds the marker, and swaps it into place.
    /// </summary>
    public static void Replace(string target, Action<string> write, IEnumerable<string?> inputs, string kind, string what = "output folder")
    {
        var full = Normalize(target);
        var parent = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        CleanLeftovers(full);
        CheckTarget(full, inputs, what);
        var tmp = Path.Combine(parent, $".{name}{NewTag}{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(parent);
            if (Directory.Exists(tmp)) Directory.Delete(tmp, true); // our own pid's: an earlier attempt of this process
            Directory.CreateDirectory(tmp);
        }
        catch (Exception e) when (UserErrorException.FromIo(e, full, $"cannot create the {what}") is { } user) { throw user; }
        try
        {
            write(tmp);
            KillAt(1);
            AtomicFile.WriteAllText(Path.Combine(tmp, MarkerFile), JsonSerializer.Serialize(new
            {
                written_by = "DeclarativeSft",
                kind,
                written_at = DateTime.UtcNow.ToString("O"),
                note = "This folder is an export; DeclarativeSft may replace it as a whole. Remove this file to keep it from being replaced.",
            }, new JsonSerializerOptions { WriteIndented = true }));
            KillAt(2);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }

        if (!Directory.Exists(full))
        {
            Directory.Move(tmp, full);
            return;
        }
        var old = Path.Combine(parent, $".{name}{OldTag}{Environment.ProcessId}");
        if (Directory.Exists(old)) Directory.Delete(old, true);
        if (Environment.GetEnvironmentVariable(NoExchangeVariable) != "1" && TryExchange(tmp, full))
        {
            // tmp now holds the previous export under the "new" name: give it the "old" name before removing it, so an
            // interrupted removal is recognised as a leftover of the old export.
            Directory.Move(tmp, old);
        }
        else
        {
            Directory.Move(full, old);
            KillAt(4);
            Directory.Move(tmp, full);
        }
        KillAt(3);
        TryDelete(old);
    }

    /// <summary>
    /// Removes what an interrupted replacement of <paramref name="target"/> left beside it: new folders of processes that
    /// are gone, and old exports already replaced. When the target itself is missing (a kill between the two renames of
    /// the fallback), the old export is renamed back first.
    /// </summary>
    public static void CleanLeftovers(string target)
    {
        var full = Normalize(target);
        var parent = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        if (!Directory.Exists(parent)) return;
        foreach (var dir in Directory.GetDirectories(parent, $".{name}.sft-*"))
        {
            var rest = Path.GetFileName(dir)[(name.Length + 1)..];
            bool isNew = rest.StartsWith(NewTag, StringComparison.Ordinal), isOld = rest.StartsWith(OldTag, StringComparison.Ordinal);
            if (!isNew && !isOld) continue;
            if (!int.TryParse(rest[(isNew ? NewTag : OldTag).Length..], out var pid) || (pid != Environment.ProcessId && ProcessLock.IsAlive(pid))) continue;
            if (isOld && !Directory.Exists(full) && IsOurs(dir))
            {
                Directory.Move(dir, full);
                continue;
            }
            TryDelete(dir);
        }
    }

    private static void KillAt(int phase)
    {
        if (Environment.GetEnvironmentVariable(KillAtVariable) == phase.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            Console.Out.Flush();
            System.Diagnostics.Process.GetCurrentProcess().Kill();
            Thread.Sleep(Timeout.Infinite);
        }
    }

    private static void TryDelete(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
        catch (IOException) { /* removed by the next export (CleanLeftovers) */ }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Absolute, without a trailing separator (except the root).</summary>
    public static string Normalize(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full);
        return full.Length > (root?.Length ?? 0) ? full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) : full;
    }

    /// <summary>Whether <paramref name="path"/> lies strictly inside <paramref name="folder"/>.</summary>
    public static bool IsInside(string path, string folder)
    {
        var f = Normalize(folder);
        var p = Normalize(path);
        if (f == Path.GetPathRoot(f)) return p != f;
        return p.StartsWith(f + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private const uint RenameExchange = 2;
    private const int AtFdCwd = -100;

    [DllImport("libc", SetLastError = true, EntryPoint = "renameat2")]
    private static extern int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    /// <summary>Swaps the names of two folders atomically; false where the system cannot (then nothing changed).</summary>
    private static bool TryExchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try { return RenameAt2(AtFdCwd, a, AtFdCwd, b, RenameExchange) == 0; }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { return false; }
    }
}
