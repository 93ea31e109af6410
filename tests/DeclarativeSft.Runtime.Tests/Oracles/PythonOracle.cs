using System.Diagnostics;

namespace DeclarativeSft.Runtime.Tests.Oracles;

/// <summary>
/// Runs a reference script from tests/…/python with Debian's PyTorch (/usr/bin/python3). The scripts are
/// independent implementations (safetensors bytes with struct+json, a Llama written in plain torch ops), so they
/// are the oracle the tests compare against. A missing interpreter fails the test with what to install.
/// </summary>
public static class PythonOracle
{
    /// <summary>The interpreter that has Debian's python3-torch.</summary>
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>Absolute path of a script copied next to the test assembly.</summary>
    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "python", name);

    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/>; returns stdout, throws with stderr on failure.</summary>
    public static string Run(string script, params string[] args)
    {
        if (!File.Exists(Interpreter))
            throw new InvalidOperationException($"{Interpreter} not found: the numerics oracle needs Debian's python3-torch (apt-get update && apt-get install -y python3-torch).");
        var psi = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Script(script));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(psi)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        var stderrTask = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        var stdout = stdoutTask.Result;
        var stderr = stderrTask.Result;
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"oracle {script} {string.Join(' ', args)} exited {p.ExitCode}:\n{stderr}");
        return stdout;
    }
}
