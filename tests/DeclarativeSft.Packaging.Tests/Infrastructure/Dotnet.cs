using System.Diagnostics;

namespace DeclarativeSft.Packaging.Tests.Infrastructure;

/// <summary>
/// Runs <c>dotnet</c> (or a program) as a user in a plain shell would: none of the outer <c>dotnet test</c>'s MSBuild
/// settings, no build servers or reused nodes left behind, no telemetry banner.
/// </summary>
public static class Dotnet
{
    public static ProcessResult Run(string workingDirectory, TimeSpan timeout, params string[] args) =>
        RunProgram("dotnet", workingDirectory, timeout, args);

    public static ProcessResult RunProgram(string program, string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory };
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
        try
        {
            return ChildProcess.Run(psi, timeout);
        }
        catch (TimeoutException e)
        {
            Assert.Fail($"(in {workingDirectory}) {e.Message}");
            throw;
        }
    }
}
