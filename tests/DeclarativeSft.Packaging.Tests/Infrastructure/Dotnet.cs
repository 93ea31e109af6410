using System.Diagnostics;

namespace DeclarativeSft.Packaging.Tests.Infrastructure;

/// <summary>What a finished command printed and returned.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    public string[] Lines => Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>The command and the end of its output, for assertion messages.</summary>
    public override string ToString()
    {
        string output = Output.Length <= 6000 ? Output : "…" + Output[^6000..];
        return $"$ {Command}\n(exit {ExitCode})\n{output}";
    }
}

/// <summary>
/// Runs <c>dotnet</c> (or a program) as a user in a plain shell would: none of the outer <c>dotnet test</c>'s MSBuild
/// settings, no build servers or reused nodes left behind, no telemetry banner.
/// </summary>
public static class Dotnet
{
    public static CommandResult Run(string workingDirectory, TimeSpan timeout, params string[] args) =>
        RunProgram("dotnet", workingDirectory, timeout, args);

    public static CommandResult RunProgram(string program, string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        psi.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        // MSBuild reads environment variables as properties: no compiler server outlives the test.
        psi.Environment["UseSharedCompilation"] = "false";

        string command = program + " " + string.Join(' ', args.Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {command}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{command} (in {workingDirectory}) did not finish within {timeout}:\n{Tail(stdout.Result + stderr.Result)}");
        }
        process.WaitForExit();
        return new CommandResult(command, process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : "…" + text[^6000..];
}
