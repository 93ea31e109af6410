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
    public static ProcessResult Run(IEnumerable<string> args, string? workingDirectory = null, TimeSpan? timeout = null) =>
        Run(args, new Dictionary<string, string>(), workingDirectory, timeout);

    /// <summary>As <see cref="Run(IEnumerable{string}, string?, TimeSpan?)"/> with extra environment variables (test hooks).</summary>
    public static ProcessResult Run(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var variables = new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" };
        foreach (var (k, v) in environment) variables[k] = v;
        return ChildProcess.Run("dotnet", [DllPath, .. args], timeout ?? TimeSpan.FromMinutes(2), workingDirectory ?? Path.GetTempPath(), variables);
    }

    /// <inheritdoc cref="Run(IEnumerable{string}, string?, TimeSpan?)"/>
    public static ProcessResult Run(params string[] args) => Run(args, null, null);

    /// <summary>
    /// A user error must be reported as a message, not as an unhandled exception: no "   at Namespace.Type.Method"
    /// frames and no "Unhandled exception" banner on stderr.
    /// </summary>
    public static void AssertNoStackTrace(ProcessResult result)
    {
        var frames = result.Stderr.Split('\n').Where(l => l.StartsWith("   at ", StringComparison.Ordinal)).ToList();
        Assert.True(frames.Count == 0, "stderr has stack-trace lines:\n" + result);
        Assert.DoesNotContain("Unhandled exception", result.Stderr);
        Assert.DoesNotContain("Exception:", result.Stderr);
    }
}
