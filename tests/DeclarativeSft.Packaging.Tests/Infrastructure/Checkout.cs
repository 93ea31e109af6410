namespace DeclarativeSft.Packaging.Tests.Infrastructure;

/// <summary>A copy of the sources of the repository this test assembly was built from (<see cref="RepoPaths.Root"/>).</summary>
public static class Checkout
{
    /// <summary>Folders that are build or tool outputs, not sources.</summary>
    private static readonly HashSet<string> NotSources = new(StringComparer.OrdinalIgnoreCase)
        { ".git", "bin", "obj", "out", "node_modules", "TestResults", ".vs", ".idea", "publish" };

    /// <summary>
    /// Copies the sources (no bin/obj/out/.git/node_modules) to <paramref name="destination"/>: the packages are built
    /// from a fresh tree, as a clone would build them, and the build never rewrites the outputs that the other test
    /// assemblies of the same `dotnet test` run are using.
    /// </summary>
    public static void CopySourcesTo(string destination)
    {
        void Copy(DirectoryInfo from, string to)
        {
            Directory.CreateDirectory(to);
            try
            {
                foreach (var file in from.EnumerateFiles())
                {
                    try { file.CopyTo(Path.Combine(to, file.Name)); }
                    catch (FileNotFoundException) { } // a test of another assembly removed its scratch files meanwhile
                }
                foreach (var dir in from.EnumerateDirectories())
                    if (!NotSources.Contains(dir.Name) && !dir.Attributes.HasFlag(FileAttributes.ReparsePoint))
                        Copy(dir, Path.Combine(to, dir.Name));
            }
            catch (DirectoryNotFoundException) { } // likewise a scratch folder (recipes/zz-…) of another test
        }
        Copy(new DirectoryInfo(RepoPaths.Root), destination);
    }
}
