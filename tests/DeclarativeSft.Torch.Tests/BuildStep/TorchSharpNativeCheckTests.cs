using System.Runtime.InteropServices;
using System.Text;
using DeclarativeSft.Build;
using Microsoft.Build.Framework;

namespace DeclarativeSft.Torch.Tests.BuildStep;

/// <summary>
/// The Linux build step that makes TorchSharp's native library load on systems with an older libstdc++
/// (src/DeclarativeSft.Build.Tasks/TorchSharpNative). binutils' readelf is the independent reader of the ELF version tables.
/// </summary>
public sealed class TorchSharpNativeCheckTests
{
    private static string PackageLibrary => Path.Combine(NuGetPackages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static string NuGetPackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string SystemLibStdCxx => GlibcxxCompatibility.FindSystemLibStdCxx() ?? throw new InvalidOperationException("no libstdc++.so.6 on this system");

    private static bool SystemLacks32 => !Readelf("-V", SystemLibStdCxx).Contains("GLIBCXX_3.4.32", StringComparison.Ordinal);

    [Fact]
    public void Needs_found_match_readelf()
    {
        if (!OperatingSystem.IsLinux()) return;
        var verdict = GlibcxxCompatibility.Check(File.ReadAllBytes(PackageLibrary), File.ReadAllBytes(SystemLibStdCxx));
        // Every libstdc++ version readelf lists as needed and the system lacks is what the check calls missing.
        var needed = Readelf("-V", PackageLibrary).Split('\n').Select(l => System.Text.RegularExpressions.Regex.Match(l, @"Name: ((GLIBCXX|CXXABI)_[0-9.]+)\s+Flags: none"))
            .Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
        var provided = Readelf("-V", SystemLibStdCxx);
        var expectedMissing = needed.Where(v => !provided.Contains($"Name: {v}\n", StringComparison.Ordinal) && !provided.Contains($"Name: {v}\r", StringComparison.Ordinal)).OrderBy(v => v).ToList();
        Assert.Equal(expectedMissing, verdict.Missing.OrderBy(v => v).ToList());
        if (!SystemLacks32)
        {
            Assert.Equal(GlibcxxCompatibility.VerdictKind.Compatible, verdict.Kind);
            return;
        }
        Assert.Equal(GlibcxxCompatibility.VerdictKind.PatchWeak, verdict.Kind);
        Assert.Equal(new[] { GlibcxxCompatibility.WeakableSymbol }, verdict.Symbols);
        // The symbol readelf attributes to that version in .dynsym is the same one.
        var dynsym = Assert.Single(Readelf("--dyn-syms", "-W", PackageLibrary).Split('\n'), l => l.Contains("@GLIBCXX_3.4.32", StringComparison.Ordinal));
        Assert.Contains(GlibcxxCompatibility.WeakableSymbol, dynsym);
    }

    [Fact]
    public void Patched_copy_differs_only_in_the_weak_flag_and_then_needs_nothing_missing()
    {
        if (!OperatingSystem.IsLinux() || !SystemLacks32) return;
        var original = File.ReadAllBytes(PackageLibrary);
        var verdict = GlibcxxCompatibility.Check(original, File.ReadAllBytes(SystemLibStdCxx));
        var patched = verdict.Patched!;
        Assert.Equal(original.Length, patched.Length);
        Assert.Single(Enumerable.Range(0, original.Length), i => original[i] != patched[i]);
        using var dir = new TempFolder("dsft-elf-");
        var path = Path.Combine(dir.Path, "libLibTorchSharp.so");
        File.WriteAllBytes(path, patched);
        Assert.Matches(@"Name: GLIBCXX_3\.4\.32\s+Flags: WEAK", Readelf("-V", path));
        Assert.Equal(GlibcxxCompatibility.VerdictKind.Compatible, GlibcxxCompatibility.Check(patched, File.ReadAllBytes(SystemLibStdCxx)).Kind);
    }

    [Fact]
    public void The_unpatched_library_does_not_load_here_and_the_loaded_one_is_the_patched_copy()
    {
        if (!OperatingSystem.IsLinux() || !SystemLacks32) return;
        // The system loader (through Python's ctypes, an independent dlopen caller) refuses the package's own copy
        // with the GLIBCXX message, the reason for the build step; placed beside the output's libtorch so that only
        // the version need can fail. The output's patched copy loads.
        var nativeDir = Path.GetDirectoryName(LoadedLibTorchSharp())!;
        var unpatched = Path.Combine(nativeDir, "libLibTorchSharp.unpatched-test.so");
        File.Copy(PackageLibrary, unpatched, overwrite: true);
        try
        {
            var (rc, output) = Dlopen(unpatched);
            Assert.NotEqual(0, rc);
            Assert.Contains("GLIBCXX_3.4.32", output);
        }
        finally
        {
            File.Delete(unpatched);
        }
        Assert.Equal(0, Dlopen(Path.Combine(nativeDir, "libLibTorchSharp.so")).ExitCode);
        // This test process itself runs TorchSharp from the output copy, which has the need marked weak.
        TorchRuntime.EnsureInitialized();
        using var sum = TorchSharp.torch.ones(3, 3).sum();
        Assert.Equal(9f, sum.item<float>());
        var mapped = LoadedLibTorchSharp();
        Assert.StartsWith(Path.GetFullPath(AppContext.BaseDirectory), mapped);
        Assert.Matches(@"Name: GLIBCXX_3\.4\.32\s+Flags: WEAK", Readelf("-V", mapped));
        // libtorch itself is the package's, loaded beside it — not a system libtorch on the loader path (Debian's
        // libtorch-dev puts a 1.13 libc10.so there, which TorchSharp fails on with undefined symbols).
        var libc10 = File.ReadLines("/proc/self/maps").Select(l => l.IndexOf('/') is var i and >= 0 ? l[i..] : "")
            .Where(p => Path.GetFileName(p).StartsWith("libc10.so", StringComparison.Ordinal)).Distinct().ToList();
        Assert.Equal(new[] { Path.Combine(Path.GetDirectoryName(mapped)!, "libc10.so") }, libc10);
    }

    [Fact]
    public void A_library_missing_another_version_is_refused_with_the_build_error()
    {
        if (!OperatingSystem.IsLinux() || !SystemLacks32) return;
        // Same library, but the version it needs renamed to one no libstdc++ has: real missing code.
        var bytes = File.ReadAllBytes(PackageLibrary);
        var from = Encoding.ASCII.GetBytes("GLIBCXX_3.4.32\0");
        int at = IndexOf(bytes, from);
        Assert.True(at > 0);
        Encoding.ASCII.GetBytes("GLIBCXX_3.4.39\0").CopyTo(bytes, at);
        using var dir = new TempFolder("dsft-elf-");
        var library = Path.Combine(dir.Path, "libLibTorchSharp.so");
        File.WriteAllBytes(library, bytes);

        var engine = new RecordingBuildEngine();
        var task = new TorchSharpNativeCheck { BuildEngine = engine, Library = library, PatchedPath = Path.Combine(dir.Path, "patched", "libLibTorchSharp.so") };
        Assert.False(task.Execute());
        var error = Assert.Single(engine.Errors);
        Assert.Equal("DSFT0002", error.Code);
        Assert.Contains("GLIBCXX_3.4.39", error.Message);
        Assert.Contains("Install a libstdc++6 from GCC 13 or later", error.Message);
        Assert.False(File.Exists(task.PatchedPath));
    }

    [Fact]
    public void Task_writes_the_copy_once_and_says_so_once()
    {
        if (!OperatingSystem.IsLinux() || !SystemLacks32) return;
        using var dir = new TempFolder("dsft-elf-");
        var patched = Path.Combine(dir.Path, "obj", "libLibTorchSharp.so");
        var cacheBefore = File.ReadAllBytes(PackageLibrary);
        var first = new RecordingBuildEngine();
        var task = new TorchSharpNativeCheck { BuildEngine = first, Library = PackageLibrary, PatchedPath = patched };
        Assert.True(task.Execute());
        Assert.Equal(patched, task.Result);
        Assert.Contains(first.Messages, m => m.Importance == MessageImportance.High && m.Message!.Contains("marked weak"));
        var second = new RecordingBuildEngine();
        var again = new TorchSharpNativeCheck { BuildEngine = second, Library = PackageLibrary, PatchedPath = patched };
        Assert.True(again.Execute());
        Assert.DoesNotContain(second.Messages, m => m.Importance == MessageImportance.High);
        Assert.Equal(cacheBefore, File.ReadAllBytes(PackageLibrary)); // the NuGet cache is never written
    }

    [Fact]
    public void Not_an_elf_file_is_a_build_error_not_a_crash()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempFolder("dsft-elf-");
        var library = Path.Combine(dir.Path, "libLibTorchSharp.so");
        File.WriteAllText(library, "not a library");
        var engine = new RecordingBuildEngine();
        var task = new TorchSharpNativeCheck { BuildEngine = engine, Library = library, PatchedPath = Path.Combine(dir.Path, "p.so") };
        Assert.False(task.Execute());
        Assert.Contains("not an ELF file", Assert.Single(engine.Errors).Message);
    }

    /// <summary>The libLibTorchSharp.so mapped into this process (after TorchRuntime started).</summary>
    private static string LoadedLibTorchSharp()
    {
        TorchRuntime.EnsureInitialized();
        return File.ReadLines("/proc/self/maps").Select(l => l.IndexOf('/') is var i and >= 0 ? l[i..] : "")
            .First(p => p.EndsWith("/libLibTorchSharp.so", StringComparison.Ordinal));
    }

    private static (int ExitCode, string Output) Dlopen(string library)
    {
        var r = ChildProcess.Run("/usr/bin/python3", ["-c", "import ctypes, sys; ctypes.CDLL(sys.argv[1])", library], TimeSpan.FromMinutes(2));
        return (r.ExitCode, r.Output);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }

    private static string Readelf(params string[] args)
    {
        return ChildProcess.Run("readelf", args, TimeSpan.FromMinutes(2)).Stdout;
    }

    private sealed class RecordingBuildEngine : IBuildEngine
    {
        public List<BuildErrorEventArgs> Errors { get; } = new();
        public List<BuildMessageEventArgs> Messages { get; } = new();
        public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);
        public void LogWarningEvent(BuildWarningEventArgs e) { }
        public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);
        public void LogCustomEvent(CustomBuildEventArgs e) { }
        public bool BuildProjectFile(string projectFileName, string[] targetNames, System.Collections.IDictionary globalProperties, System.Collections.IDictionary targetOutputs) => false;
        public bool ContinueOnError => false;
        public int LineNumberOfTaskNode => 0;
        public int ColumnNumberOfTaskNode => 0;
        public string ProjectFileOfTaskNode => "test.csproj";
    }
}
