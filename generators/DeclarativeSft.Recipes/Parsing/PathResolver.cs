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

    /// <summary>
    /// <paramref name="path"/> relative to <paramref name="baseDirectory"/>, with '/' separators (textual: no file-system
    /// access). A relative path is returned as it is; a path that meets <paramref name="baseDirectory"/> only at the
    /// file-system root (<c>/opt/models/m</c> from <c>/home/me/recipe</c>, another drive) stays absolute, since it names
    /// a place on the machine rather than one next to the recipe.
    /// </summary>
    public static string Relative(string baseDirectory, string path)
    {
        if (!Path.IsPathRooted(path)) return path.Replace('\\', '/');
        var comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var from = Segments(baseDirectory);
        var to = Segments(path);
        if (from.Length == 0 || to.Length == 0 || !string.Equals(from[0], to[0], comparison)) return path;
        int common = 1;
        while (common < from.Length && common < to.Length && string.Equals(from[common], to[common], comparison)) common++;
        if (common == 1 && from.Length > 1) return path;
        var parts = new System.Collections.Generic.List<string>();
        for (int i = common; i < from.Length; i++) parts.Add("..");
        for (int i = common; i < to.Length; i++) parts.Add(to[i]);
        return parts.Count == 0 ? "." : string.Join("/", parts);
    }

    /// <summary>The root ("/" or "C:") followed by the folder and file names of an absolute path.</summary>
    private static string[] Segments(string absolutePath)
    {
        var full = Resolve("/", absolutePath);
        var root = Path.GetPathRoot(full) ?? "";
        var rest = full.Substring(root.Length).Split(new[] { '/', '\\' }, StringSplitOptions.RemoveEmptyEntries);
        var segments = new string[rest.Length + 1];
        segments[0] = root.TrimEnd('/', '\\');
        Array.Copy(rest, 0, segments, 1, rest.Length);
        return segments;
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
