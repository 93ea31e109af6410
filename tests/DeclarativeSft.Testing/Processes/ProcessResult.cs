namespace DeclarativeSft.Testing;

/// <summary>What a finished child process left: its command line, exit code, standard output and standard error.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Standard output followed by standard error.</summary>
    public string Output => Stdout + Stderr;

    /// <summary>Non-empty lines of standard output.</summary>
    public string[] StdoutLines => NonEmptyLines(Stdout);

    /// <summary>Non-empty lines of standard error.</summary>
    public string[] StderrLines => NonEmptyLines(Stderr);

    /// <summary>Every line of <see cref="Output"/>, empty ones included.</summary>
    public string[] OutputLines => Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    private static string[] NonEmptyLines(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();

    /// <summary>The command and what it printed (each stream's last 6,000 characters), for assertion messages.</summary>
    public override string ToString() =>
        $"$ {Command}\nexit {ExitCode}\n--- stdout ---\n{Tail(Stdout)}\n--- stderr ---\n{Tail(Stderr)}";

    internal static string Tail(string text) => text.Length <= 6000 ? text : "…" + text[^6000..];
}
