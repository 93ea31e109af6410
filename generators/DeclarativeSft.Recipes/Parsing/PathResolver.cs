using System;
using System.IO;

namespace DeclarativeSft.Recipes;

/// <summary>Resolves recipe paths to absolute ones, textually (no file-system access, so the generator may use it).</summary>
public static class PathResolver
{
    /// <summary>Absolute, normalised path of <paramref name="path"/> relative to <paramref name="baseDirectory"/>.</summary>
    public static string Resolve(string baseDirectory, string path)
    {
        try
        {
            return Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return Path.Combine(baseDirectory, path);
        }
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or inside it.</summary>
    public static bool IsInside(string path, string folder)
    {
        var comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var f = folder.TrimEnd('/', '\\');
        var p = path.TrimEnd('/', '\\');
        return p.Equals(f, comparison)
               || (p.StartsWith(f, comparison) && p.Length > f.Length && (p[f.Length] == '/' || p[f.Length] == '\\'));
    }

    /// <summary>Whether two absolute paths name the same file (case-insensitive on Windows).</summary>
    public static bool SamePath(string a, string b) =>
        string.Equals(a, b, Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>Folder part of <paramref name="path"/>.</summary>
    public static string DirectoryOf(string path) => Path.GetDirectoryName(path) ?? path;

    /// <summary>File name part of <paramref name="path"/>.</summary>
    public static string FileName(string path) => Path.GetFileName(path);
}
