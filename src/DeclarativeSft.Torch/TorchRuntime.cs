using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using TorchSharp;

namespace DeclarativeSft.Torch;

/// <summary>
/// Starts TorchSharp the way training needs it, before the first tensor: OpenMP workers that sleep instead of spin
/// (set before libgomp loads), all cores for intra-op parallelism, and libtorch loaded explicitly by full path —
/// the natives of the backend package next to the program, or the libtorch 2.10 the user points <c>LIBTORCH</c> at.
/// Loading by name could bind a system libtorch (Debian's libtorch-dev puts a 1.13 <c>libc10.so</c> on the loader
/// path, which TorchSharp then fails on with undefined symbols).
/// </summary>
public static partial class TorchRuntime
{
    /// <summary>The libtorch release TorchSharp 0.107 is built against; a LIBTORCH of another major.minor is refused.</summary>
    public const string RequiredLibTorch = "2.10";

    private static readonly object Gate = new();
    private static bool initialized;

    /// <summary>Where libtorch came from, e.g. "TorchSharp package natives in /app" or "LIBTORCH=/opt/libtorch".</summary>
    public static string NativeSource { get; private set; } = "";

    /// <summary>The libtorch version in use, e.g. "2.10.0" (from the LIBTORCH folder's version file, or the package).</summary>
    public static string LibTorchVersion { get; private set; } = "";

    /// <summary>How libtorch's OpenMP workers wait, e.g. "OMP_WAIT_POLICY=PASSIVE (DeclarativeSft default)".</summary>
    public static string OpenMpWaitPolicy => DeclarativeSft.Torch.OpenMpWaitPolicy.Effective;

    /// <summary>One line for program headers: "libtorch 2.10.0 (TorchSharp 0.107.0; natives: …; 2 threads)".</summary>
    public static string Description
    {
        get
        {
            EnsureInitialized();
            return $"libtorch {LibTorchVersion} (TorchSharp {TorchSharpVersion}; {NativeSource}; {torch.get_num_threads()} threads)";
        }
    }

    /// <summary>The backend this program was built with: "cpu", "cuda-linux" or "cuda-windows" (MSBuild SftTorchBackend),
    /// as recorded by the build that brought the natives: the program's own assembly when it was built with
    /// DeclarativeSft.Sdk from packages, this assembly when it was built in the repository.</summary>
    public static string Backend =>
        BackendOf(System.Reflection.Assembly.GetEntryAssembly()) ?? BackendOf(typeof(TorchRuntime).Assembly) ?? "cpu";

    private static string? BackendOf(System.Reflection.Assembly? assembly) =>
        assembly?.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .OfType<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "SftTorchBackend")?.Value;

    /// <summary>Why CUDA cannot be used in this process, or null when it can: what a user asking for
    /// <c>--device cuda</c> should read instead of a silent fallback to the CPU.</summary>
    public static string? CudaUnavailableReason()
    {
        EnsureInitialized();
        if (Backend == "cpu" && !NativeSource.StartsWith("LIBTORCH=", StringComparison.Ordinal))
            return "this program was built with the CPU torch backend (SftTorchBackend=cpu); rebuild it with " +
                   (OperatingSystem.IsWindows() ? "-p:SftTorchBackend=cuda-windows" : "-p:SftTorchBackend=cuda-linux") +
                   $", or set LIBTORCH to a CUDA libtorch {RequiredLibTorch}";
        try
        {
            if (torch.cuda.is_available()) return null;
        }
        catch (Exception e) when (e is InvalidOperationException or DllNotFoundException or EntryPointNotFoundException)
        {
            return $"libtorch's CUDA library did not load ({e.Message.Split('\n')[0]})";
        }
        return $"no CUDA device is visible to libtorch ({NativeSource}): check the NVIDIA driver (nvidia-smi) and CUDA_VISIBLE_DEVICES";
    }

    /// <summary>The TorchSharp assembly's version, e.g. "0.107.0".</summary>
    public static string TorchSharpVersion
    {
        get
        {
            var info = typeof(torch).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
                .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion;
            return (info ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "?").Split('+')[0];
        }
    }

    /// <summary>Idempotent and thread-safe; call before the first TorchSharp call of the process. Throws
    /// <see cref="TorchRuntimeException"/> with a message for the user when libtorch cannot be loaded.</summary>
    public static void EnsureInitialized()
    {
        if (Volatile.Read(ref initialized)) return;
        lock (Gate)
        {
            if (initialized) return;
            DeclarativeSft.Torch.OpenMpWaitPolicy.Apply();
            var user = Environment.GetEnvironmentVariable("LIBTORCH");
            if (!string.IsNullOrWhiteSpace(user)) LoadUserLibTorch(user.Trim());
            else LoadPackageNatives();
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or NotSupportedException or InvalidOperationException)
            {
                throw new TorchRuntimeException($"TorchSharp could not start libtorch ({NativeSource}): {e.Message}", e);
            }
            if (torch.get_num_threads() != Environment.ProcessorCount) torch.set_num_threads(Environment.ProcessorCount);
            Volatile.Write(ref initialized, true);
        }
    }

    // ---- the backend package's natives ----

    private static string LibTorchSharpFile =>
        OperatingSystem.IsWindows() ? "LibTorchSharp.dll" : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so";

    private static string NativeName(string stem) =>
        OperatingSystem.IsWindows() ? $"{stem}.dll" : OperatingSystem.IsMacOS() ? $"lib{stem}.dylib" : $"lib{stem}.so";

    /// <summary>Folders where the build puts the backend's natives: next to the program (RID-specific builds) or under
    /// runtimes/&lt;rid&gt;/native (portable builds).</summary>
    private static IEnumerable<string> NativeFolders()
    {
        var roots = new[] { AppContext.BaseDirectory, Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? "" }
            .Where(r => r.Length > 0).Distinct();
        foreach (var root in roots)
        {
            yield return root;
            yield return Path.Combine(root, "runtimes", RuntimeInformation.RuntimeIdentifier, "native");
            yield return Path.Combine(root, "runtimes", PortableRid, "native");
        }
    }

    private static string PortableRid =>
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" +
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    private static void LoadPackageNatives()
    {
        var folder = PackageNativeFolder();
        if (folder is null)
            throw new TorchRuntimeException(
                $"TorchSharp's native libraries ({LibTorchSharpFile}) are not next to this program ({AppContext.BaseDirectory}). " +
                "Build the program with the DeclarativeSft torch backend (SftTorchBackend=cpu, cuda-linux or cuda-windows), " +
                "or set LIBTORCH to a libtorch " + RequiredLibTorch + " folder.");
        // TorchSharp's own library without libtorch beside it: a program packed without the backend's natives, such
        // as the sft .NET tool (a tool package cannot choose natives by the user's SftTorchBackend).
        if (!File.Exists(Path.Combine(folder, NativeName("torch_cpu"))) && !File.Exists(Path.Combine(folder, NativeName("torch"))))
            throw new TorchRuntimeException(
                $"this program carries TorchSharp ({Path.Combine(folder, LibTorchSharpFile)}) but no libtorch ({NativeName("torch_cpu")}) next to it, " +
                "as the sft .NET tool does. Set LIBTORCH to a libtorch " + RequiredLibTorch + " folder (the one with lib/, or a pip torch's torch/lib), " +
                "or run a program built with the DeclarativeSft torch backend (SftTorchBackend=cpu, cuda-linux or cuda-windows).");
        LoadLibTorch(folder);
        Load(Path.Combine(folder, LibTorchSharpFile), folder);
        NativeSource = $"TorchSharp package natives in {folder}";
        LibTorchVersion = PackageLibTorchVersion();
    }

    /// <summary>The first native folder that holds TorchSharp's own library, or null.</summary>
    private static string? PackageNativeFolder() => NativeFolders().FirstOrDefault(f => File.Exists(Path.Combine(f, LibTorchSharpFile)));

    /// <summary>Loads libtorch's libraries present in <paramref name="folder"/> by full path, in dependency order, so each
    /// finds the ones before it already loaded (and never a same-named library elsewhere on the loader path).</summary>
    private static void LoadLibTorch(string folder)
    {
        foreach (var stem in new[] { "c10", "torch_cpu", "c10_cuda", "torch_cuda", "torch" })
        {
            var path = Path.Combine(folder, NativeName(stem));
            if (File.Exists(path)) Load(path, folder);
        }
    }

    /// <summary>"2.10.0" from TorchSharp's "2.10.0.0".</summary>
    private static string PackageLibTorchVersion()
    {
        var v = torch.__version__;
        return v.EndsWith(".0", StringComparison.Ordinal) && v.Count(c => c == '.') == 3 ? v[..^2] : v;
    }

    // ---- LIBTORCH: a libtorch the user already has ----

    private static void LoadUserLibTorch(string libtorch)
    {
        var full = Path.GetFullPath(libtorch);
        if (!Directory.Exists(full))
            throw new TorchRuntimeException($"LIBTORCH={libtorch}: no such folder. Point it at a libtorch {RequiredLibTorch} folder (the one with lib/), or unset it to use the TorchSharp package's libtorch.");
        var lib = new[] { Path.Combine(full, "lib"), full }.FirstOrDefault(d => File.Exists(Path.Combine(d, NativeName("torch_cpu"))));
        if (lib is null)
            throw new TorchRuntimeException($"LIBTORCH={libtorch}: no {NativeName("torch_cpu")} in it or in its lib/ folder. Point it at a libtorch {RequiredLibTorch} folder, or unset it.");
        var version = UserLibTorchVersion(full, lib)
            ?? throw new TorchRuntimeException($"LIBTORCH={libtorch}: cannot tell its libtorch version (no build-version file, no version.py of a Python torch). TorchSharp {TorchSharpVersion} needs libtorch {RequiredLibTorch}.x.");
        if (!IsRequiredVersion(version))
            throw new TorchRuntimeException($"LIBTORCH={libtorch} is libtorch {version}, but TorchSharp {TorchSharpVersion} needs libtorch {RequiredLibTorch}.x. Point LIBTORCH at a {RequiredLibTorch} install (e.g. the torch/lib of `pip install torch=={RequiredLibTorch}.*`), or unset it to use the TorchSharp package's libtorch.");
        LoadLibTorch(lib);
        // LibTorchSharp itself still comes with TorchSharp: it binds to the libraries just loaded.
        var folder = PackageNativeFolder()
            ?? throw new TorchRuntimeException($"TorchSharp's {LibTorchSharpFile} is not next to this program ({AppContext.BaseDirectory}); LIBTORCH replaces libtorch, not TorchSharp's own native library.");
        Load(Path.Combine(folder, LibTorchSharpFile), folder);
        NativeSource = $"LIBTORCH={lib}";
        LibTorchVersion = version;
    }

    /// <summary>True for "2.10", "2.10.0", "2.10.0+cu128".</summary>
    public static bool IsRequiredVersion(string version)
    {
        var m = VersionPrefix().Match(version);
        return m.Success && m.Groups[1].Value == RequiredLibTorch;
    }

    /// <summary>The version a libtorch folder declares: libtorch archives carry <c>build-version</c>, a pip install of
    /// torch carries <c>torch/version.py</c> (LIBTORCH being torch/ or torch/lib/).</summary>
    public static string? UserLibTorchVersion(string root, string lib)
    {
        foreach (var dir in new[] { root, lib, Path.GetDirectoryName(lib) ?? root }.Distinct())
        {
            var buildVersion = Path.Combine(dir, "build-version");
            if (File.Exists(buildVersion)) return File.ReadAllText(buildVersion).Trim();
            var versionPy = Path.Combine(dir, "version.py");
            if (File.Exists(versionPy))
            {
                var m = VersionPy().Match(File.ReadAllText(versionPy));
                if (m.Success) return m.Groups[1].Value;
            }
        }
        return null;
    }

    private static void Load(string path, string folder)
    {
        if (NativeLibrary.TryLoad(path, out _)) return;
        try
        {
            NativeLibrary.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new TorchRuntimeException($"cannot load {path}: {e.Message}. {LoadHint(folder)}", e);
        }
    }

    private static string LoadHint(string folder) => OperatingSystem.IsLinux()
        ? $"If it names GLIBCXX, this system's libstdc++ is older than TorchSharp's natives need: rebuild with `dotnet build` (the build checks it and prints what to do), or set LIBTORCH to a libtorch {RequiredLibTorch} built for this system."
        : $"Check that {folder} holds the complete native set of the backend package.";

    [GeneratedRegex(@"^\s*(\d+\.\d+)")]
    private static partial Regex VersionPrefix();

    [GeneratedRegex(@"__version__\s*=\s*['""]([^'""]+)['""]")]
    private static partial Regex VersionPy();
}
