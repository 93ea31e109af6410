using System.Diagnostics;

namespace DeclarativeSft.Torch.Tests;

/// <summary>Runs Debian's PyTorch (/usr/bin/python3 with python3-torch) as an independent oracle.</summary>
internal static class PythonOracle
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs an oracle script from the test output's Oracles/ folder; fails with a clear message when
    /// the interpreter or torch is missing or the script fails.</summary>
    public static string Run(string script, params string[] args)
    {
        if (!File.Exists(Python))
            throw new InvalidOperationException($"{Python} not found: the PyTorch oracle needs Debian's python3-torch (apt-get update && apt-get install -y python3-torch)");
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Oracles", script));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            var err = stderr.Result;
            var hint = err.Contains("No module named 'torch'") ? " (install python3-torch: apt-get update && apt-get install -y python3-torch)" : "";
            throw new InvalidOperationException($"PyTorch oracle {script} failed with exit code {p.ExitCode}{hint}:\n{err}");
        }
        return stdout.Result;
    }
}
