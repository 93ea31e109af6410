namespace DeclarativeSft.Testing;

/// <summary>
/// Runs a reference script from tests/oracles/python with Debian's Python (/usr/bin/python3 with python3-torch and
/// python3-jinja2, not a pyenv or venv python). The scripts are independent implementations written from the formulas
/// and formats (a Llama in plain torch ops, a trainer on torch.optim, safetensors with struct + json, chat templates
/// with Jinja2), so they are the oracle the product's numbers are compared with.
/// </summary>
public static class PythonOracle
{
    /// <summary>The interpreter that has Debian's python3-torch and python3-jinja2.</summary>
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>The command that installs what the scripts import, as a failure's message gives it.</summary>
    public const string InstallCommand = "apt-get update && apt-get install -y python3-torch libopenblas0-openmp python3-jinja2";

    /// <summary>How long one oracle call may take unless the caller says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Absolute path of a reference script in tests/oracles/python.</summary>
    public static string Script(string name)
    {
        string path = Path.Combine(RepoPaths.PythonOracles, name);
        if (!File.Exists(path)) throw new InvalidOperationException($"The reference script {path} is missing from the checkout.");
        return path;
    }

    /// <summary>Runs the reference script <paramref name="script"/> with <paramref name="arguments"/>; returns its standard output.</summary>
    /// <exception cref="InvalidOperationException">naming what to install when the interpreter or a module is missing,
    /// else with the script's stderr when it fails.</exception>
    public static string Run(string script, params string[] arguments) => Run(script, arguments, standardInput: null);

    /// <summary>As <see cref="Run(string, string[])"/>, writing <paramref name="standardInput"/> to the script.</summary>
    public static string Run(string script, IEnumerable<string> arguments, string? standardInput, TimeSpan? timeout = null) =>
        RunCode([Script(script), .. arguments], standardInput, timeout, script);

    /// <summary>Runs <c>python3 -c <paramref name="code"/></c> (a few lines a test states inline) with <paramref name="arguments"/>.</summary>
    public static string RunInline(string code, params string[] arguments) => RunCode(["-c", code, .. arguments], null, null, "an inline script");

    private static string RunCode(IEnumerable<string> arguments, string? standardInput, TimeSpan? timeout, string what)
    {
        if (!File.Exists(Interpreter))
            throw new InvalidOperationException($"{Interpreter} not found: the reference scripts need Debian's Python with PyTorch and Jinja2: {InstallCommand}");
        // One thread: the reference's numbers must not depend on how many cores the machine has.
        var result = ChildProcess.Run(Interpreter, arguments, timeout ?? DefaultTimeout,
            environment: new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" }, standardInput: standardInput);
        if (result.ExitCode == 0) return result.Stdout;
        string hint = result.Stderr.Contains("No module named", StringComparison.Ordinal) || result.Stderr.Contains("cannot open shared object", StringComparison.Ordinal)
            ? $"\nA module the reference needs is missing: {InstallCommand}" : "";
        throw new InvalidOperationException($"The Python reference {what} failed (exit {result.ExitCode}):\n{result.Stderr}{hint}");
    }
}
