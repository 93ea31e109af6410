namespace DeclarativeSft.Cli.Tests.Infrastructure;

/// <summary>What a user sees after running a command: exit code, standard output and standard error.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Non-empty lines of standard output.</summary>
    public string[] StdoutLines => Lines(Stdout);

    /// <summary>Non-empty lines of standard error.</summary>
    public string[] StderrLines => Lines(Stderr);

    private static string[] Lines(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();

    /// <summary>Everything the process printed, for assertion messages.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
