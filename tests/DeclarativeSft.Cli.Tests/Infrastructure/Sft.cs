using System.Diagnostics;
using System.Text;

namespace DeclarativeSft.Cli.Tests.Infrastructure;

/// <summary>
/// Runs the built <c>sft</c> exactly as a user does: <c>dotnet sft.dll ...</c> in a child process (the project
/// reference copies sft.dll, its deps.json and runtimeconfig.json next to the test assembly), so the exit code and
/// what lands on stdout/stderr are the real ones, not what an in-process call would return.
/// </summary>
public static class Sft
{
    /// <summary>The sft.dll beside this test assembly.</summary>
    public static string DllPath
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "sft.dll");
            if (!File.Exists(path)) throw new InvalidOperationException($"sft.dll not found at {path}: the test project must reference src/DeclarativeSft.Cli");
            return path;
        }
    }

    /// <summary>Runs <c>sft</c> with the given arguments in <paramref name="workingDirectory"/> (default: a fresh temp folder).</summary>
    public static CliResult Run(IEnumerable<string> args, string? workingDirectory = null, TimeSpan? timeout = null) =>
        Run(args, new Dictionary<string, string>(), workingDirectory, timeout);

    /// <summary>As <see cref="Run(IEnumerable{string}, string?, TimeSpan?)"/> with extra environment variables (test hooks).</summary>
    public static CliResult Run(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        psi.ArgumentList.Add(DllPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        return RunProcess(psi, timeout ?? TimeSpan.FromMinutes(2));
    }

    /// <inheritdoc cref="Run(IEnumerable{string}, string?, TimeSpan?)"/>
    public static CliResult Run(params string[] args) => Run(args, null, null);

    /// <summary>Starts a process, drains both streams concurrently (no pipe deadlock) and waits for it.</summary>
    public static CliResult RunProcess(ProcessStartInfo psi, TimeSpan timeout)
    {
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {psi.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{psi.FileName} {string.Join(' ', psi.ArgumentList)} did not finish within {timeout}");
        }
        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// A user error must be reported as a message, not as an unhandled exception: no "   at Namespace.Type.Method"
    /// frames and no "Unhandled exception" banner on stderr.
    /// </summary>
    public static void AssertNoStackTrace(CliResult result)
    {
        var frames = result.Stderr.Split('\n').Where(l => l.StartsWith("   at ", StringComparison.Ordinal)).ToList();
        Assert.True(frames.Count == 0, "stderr has stack-trace lines:\n" + result);
        Assert.DoesNotContain("Unhandled exception", result.Stderr);
        Assert.DoesNotContain("Exception:", result.Stderr);
    }
}
