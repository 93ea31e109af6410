using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeclarativeSft.Runtime.Evaluation;

/// <summary>What the external checker reported: the share of items whose every unit test passed, and of single tests.</summary>
public sealed record CheckerResult(double PassRate, double TestsPassed, double ExactMatch, IReadOnlyDictionary<string, int> Errors);

/// <summary>
/// Runs a recipe's unit-test checker (<c>tools/check_code_completions.py</c>: completions in, one JSON summary out)
/// with Python. Generated code is untrusted; the script runs each item in its own time-limited child process.
/// </summary>
public static class CompletionChecker
{
    /// <summary>The checker script for a recipe folder: the first <c>tools/check_code_completions.py</c> at or above it.</summary>
    public static string? FindScript(string recipeDirectory)
    {
        for (var dir = new DirectoryInfo(recipeDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tools", "check_code_completions.py");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>/usr/bin/python3 when present (the system Python), else the first python3 on PATH, else null.</summary>
    public static string? FindPython()
    {
        if (File.Exists("/usr/bin/python3")) return "/usr/bin/python3";
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in new[] { "python3", "python3.exe", "python.exe" })
                if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        }
        return null;
    }

    /// <summary>Scores <paramref name="completions"/> (id → generated text) against <paramref name="heldOutPath"/>.</summary>
    /// <exception cref="InvalidOperationException">when the checker fails; the message carries its stderr.</exception>
    public static CheckerResult Check(string python, string script, string heldOutPath, IReadOnlyList<(string Id, string Completion)> completions)
    {
        var input = Path.Combine(Path.GetTempPath(), $"sft-completions-{Environment.ProcessId}-{Guid.NewGuid():N}.jsonl");
        try
        {
            File.WriteAllLines(input, completions.Select(c => JsonSerializer.Serialize(new { id = c.Id, completion = c.Completion })));
            var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { script, "--heldout", heldOutPath, "--completions", input }) psi.ArgumentList.Add(a);
            using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {python}");
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var lastLine = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
            if (process.ExitCode != 0 || lastLine is null)
                throw new InvalidOperationException($"{script} exited with {process.ExitCode}: {stderr.Result.Trim()}");
            var o = JsonNode.Parse(lastLine)!.AsObject();
            var errors = (o["errors"] as JsonObject)?.ToDictionary(kv => kv.Key, kv => (int)kv.Value!) ?? new Dictionary<string, int>();
            return new CheckerResult((double)o["pass_rate"]!, (double)o["tests_passed"]!, (double)o["exact_match"]!, errors);
        }
        finally
        {
            File.Delete(input);
        }
    }
}
