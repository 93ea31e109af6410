using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace DeclarativeSft.Testing;

/// <summary>
/// Runs a program to completion the way every test needs it: both output streams drained concurrently (a full pipe
/// never deadlocks the child), UTF-8 in and out, a time limit after which the whole process tree is killed.
/// </summary>
public static class ChildProcess
{
    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/> (each passed as one argument, no shell).</summary>
    /// <param name="workingDirectory">The child's current folder; null: this process's.</param>
    /// <param name="environment">Variables added to (or replacing those of) this process's environment.</param>
    /// <param name="standardInput">Written to the child's standard input, which is then closed; null: no input.</param>
    /// <exception cref="TimeoutException">after killing the tree, when the child did not exit within <paramref name="timeout"/>.</exception>
    /// <exception cref="InvalidOperationException">when the program cannot be started (not installed, not on PATH).</exception>
    public static ProcessResult Run(string program, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, string? standardInput = null)
    {
        var start = new ProcessStartInfo(program);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        if (environment is not null)
            foreach (var (name, value) in environment) start.Environment[name] = value;
        return Run(start, timeout, standardInput);
    }

    /// <summary>Runs a prepared <paramref name="start"/> (for callers that must also remove variables from the child's
    /// environment); the redirections and encodings are set here.</summary>
    /// <inheritdoc cref="Run(string, IEnumerable{string}, TimeSpan, string?, IReadOnlyDictionary{string, string}?, string?)"/>
    public static ProcessResult Run(ProcessStartInfo start, TimeSpan timeout, string? standardInput = null)
    {
        Redirect(start, standardInput is not null);
        string command = CommandLine(start);
        using var process = Start(start, command);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            try
            {
                process.StandardInput.Write(standardInput);
                process.StandardInput.Close();
            }
            catch (IOException) { } // the child exited without reading all of it: its exit code and stderr say why
        }
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException(
                $"{command} did not finish within {timeout} and was killed; it had printed:\n{ProcessResult.Tail(stdout.Result + stderr.Result)}");
        }
        process.WaitForExit(); // also waits for the redirected streams to reach their end
        return new ProcessResult(command, process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts a long-lived child with its standard streams redirected (UTF-8), for a caller that talks to it
    /// line by line and disposes it; fails with a message naming the program when it cannot be started.</summary>
    public static Process StartInteractive(ProcessStartInfo start)
    {
        // Standard error stays the test host's: nobody would drain it while the caller waits for a line of output.
        Redirect(start, redirectInput: true);
        start.RedirectStandardError = false;
        start.StandardErrorEncoding = null;
        return Start(start, CommandLine(start));
    }

    private static void Redirect(ProcessStartInfo start, bool redirectInput)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.StandardOutputEncoding = Utf8;
        start.StandardErrorEncoding = Utf8;
        if (redirectInput)
        {
            start.RedirectStandardInput = true;
            start.StandardInputEncoding = Utf8;
        }
    }

    private static Process Start(ProcessStartInfo start, string command)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"could not start {command}");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"cannot start `{start.FileName}` ({e.Message}): it must be installed and on PATH to run {command}", e);
        }
    }

    private static string CommandLine(ProcessStartInfo start) => start.ArgumentList.Count == 0
        ? (start.FileName + " " + start.Arguments).TrimEnd()
        : string.Join(' ', new[] { start.FileName }.Concat(start.ArgumentList).Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
}
