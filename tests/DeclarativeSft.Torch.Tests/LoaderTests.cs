using System.Diagnostics;
using Xunit.Abstractions;

namespace DeclarativeSft.Torch.Tests;

/// <summary>
/// The LIBTORCH escape hatch of <see cref="TorchRuntime"/>, each case in a child process (this assembly's own Main,
/// <see cref="ChildProcessEntry"/>): a libtorch of the wrong version or a missing folder ends the program with a
/// <see cref="TorchRuntimeException"/> message and exit code 2 — never a native crash (a SIGSEGV or SIGABRT would
/// show as exit 139/134) — and a libtorch 2.10 folder assembled from the package's own natives loads and computes.
/// </summary>
public class LoaderTests
{
    /// <summary>Debian's python3-torch (1.13): torch/lib/libtorch_cpu.so and torch/version.py.</summary>
    private const string DebianTorch = "/usr/lib/python3/dist-packages/torch";

    private readonly ITestOutputHelper output;

    public LoaderTests(ITestOutputHelper output) => this.output = output;

    private sealed record Result(int ExitCode, string Stdout, string Stderr);

    private Result RunChild(string? libtorch)
    {
        var psi = new ProcessStartInfo("dotnet");
        psi.ArgumentList.Add(typeof(ChildProcessEntry).Assembly.Location);
        psi.ArgumentList.Add("loader-child");
        if (libtorch is null) psi.Environment.Remove("LIBTORCH");
        else psi.Environment["LIBTORCH"] = libtorch;
        ProcessResult child;
        try { child = ChildProcess.Run(psi, TimeSpan.FromSeconds(120)); }
        catch (TimeoutException e) { Assert.Fail("the loader child did not finish within 120 s: " + e.Message); throw; }
        var result = new Result(child.ExitCode, child.Stdout, child.Stderr);
        output.WriteLine($"LIBTORCH={libtorch ?? "(unset)"} → exit {result.ExitCode}\nstdout: {result.Stdout}\nstderr: {result.Stderr}");
        return result;
    }

    private static void AssertCleanRefusal(Result r)
    {
        Assert.True(r.ExitCode == ChildProcessEntry.RuntimeErrorExitCode,
            $"expected exit {ChildProcessEntry.RuntimeErrorExitCode} (TorchRuntimeException), got {r.ExitCode}:\n{r.Stdout}\n{r.Stderr}");
        Assert.StartsWith("error: LIBTORCH=", r.Stderr);
        Assert.DoesNotContain("Unhandled exception", r.Stderr);
        Assert.DoesNotContain("undefined symbol", r.Stderr); // refused before any library of the wrong version loads
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void Debian_torch_1_13_is_refused_with_a_message_naming_both_versions()
    {
        Assert.True(File.Exists(Path.Combine(DebianTorch, "version.py")),
            $"{DebianTorch}/version.py not found: this test needs Debian's python3-torch 1.13 (apt-get update && apt-get install -y python3-torch)");
        var r = RunChild(DebianTorch);
        AssertCleanRefusal(r);
        Assert.Contains("is libtorch 1.13", r.Stderr);
        Assert.Contains("needs libtorch 2.10", r.Stderr);
        Assert.Contains("unset it", r.Stderr);
    }

    [Fact]
    public void Missing_libtorch_folder_is_refused_clearly()
    {
        using var temp = new TempFolder("dsft-no-libtorch-");
        var missing = temp["libtorch"];
        var r = RunChild(missing);
        AssertCleanRefusal(r);
        Assert.Contains($"LIBTORCH={missing}: no such folder", r.Stderr);
        Assert.Contains("2.10", r.Stderr);
    }

    [Fact]
    public void Folder_without_libtorch_is_refused_clearly()
    {
        using var empty = new TempFolder("dsft-empty-libtorch-");
        var r = RunChild(empty.Path);
        AssertCleanRefusal(r);
        Assert.Contains("no libtorch_cpu.so in it or in its lib/ folder", r.Stderr);
    }

    /// <summary>The folder of the backend package's libtorch natives in this test's output (next to the assembly, or
    /// under runtimes/&lt;rid&gt;/native for portable builds).</summary>
    private static string PackageNatives()
    {
        var baseDir = AppContext.BaseDirectory;
        var found = new[] { baseDir, Path.Combine(baseDir, "runtimes", "linux-x64", "native") }
            .Concat(Directory.Exists(Path.Combine(baseDir, "runtimes")) ? Directory.GetDirectories(Path.Combine(baseDir, "runtimes"), "native", SearchOption.AllDirectories) : [])
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "libtorch_cpu.so")));
        Assert.True(found is not null, $"no libtorch_cpu.so in {baseDir} or its runtimes/*/native: build with SftTorchBackend=cpu");
        return found!;
    }

    /// <summary>A libtorch folder as the libtorch archive lays it out (lib/ + build-version), its libraries being
    /// symbolic links to the package's natives (LibTorchSharp itself stays with TorchSharp, as the loader expects).</summary>
    private static TempFolder AssembleLibtorch(bool withVersionFile)
    {
        var root = new TempFolder("dsft-libtorch-");
        var lib = Directory.CreateDirectory(root["lib"]).FullName;
        var natives = PackageNatives();
        foreach (var file in Directory.GetFiles(natives))
        {
            var name = Path.GetFileName(file);
            if (!name.Contains(".so", StringComparison.Ordinal) || name.StartsWith("libLibTorchSharp", StringComparison.Ordinal)) continue;
            File.CreateSymbolicLink(Path.Combine(lib, name), Path.GetFullPath(file));
        }
        if (withVersionFile) root.Write("build-version", "2.10.0+cpu\n");
        return root;
    }

    [Fact]
    public void Assembled_libtorch_2_10_folder_loads_and_runs()
    {
        if (!OperatingSystem.IsLinux()) return; // symbolic links to .so files: the layout of Linux libtorch
        using var root = AssembleLibtorch(withVersionFile: true);
        var r = RunChild(root.Path);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}:\n{r.Stdout}\n{r.Stderr}");
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.Equal($"LIBTORCH={root["lib"]}", lines["NativeSource"]);
        Assert.Equal("2.10.0+cpu", lines["LibTorchVersion"]);
        Assert.Contains($"LIBTORCH={root["lib"]}", lines["Description"]);
        Assert.Equal("54", lines["matmul_sum"]); // [[1,2],[3,4]]² = [[7,10],[15,22]]
    }

    [Fact]
    public void Libtorch_folder_without_version_file_is_refused()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var root = AssembleLibtorch(withVersionFile: false);
        var r = RunChild(root.Path);
        AssertCleanRefusal(r);
        Assert.Contains("cannot tell its libtorch version", r.Stderr);
    }
}
