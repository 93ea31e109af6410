using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeclarativeSft.Runtime.Components;

namespace CodeAssistant;

/// <summary>
/// The code-assistant's held-out score, named in recipe.sft.yaml (<c>eval.evaluators</c>): exact match of the answer's
/// code against the line's <c>reference</c>, and the share of tasks whose unit tests (<c>tests</c>) all pass when the
/// generated function is run by <c>tools/check_code_completions.py</c> with Python. Generated code is untrusted: the
/// script runs each item in its own time-limited child process.
/// </summary>
public sealed class UnitTestEvaluator : IEvaluator
{
    /// <summary>This recipe's checker, next to this file.</summary>
    public const string CheckerScript = "tools/check_code_completions.py";

    /// <inheritdoc/>
    public bool NeedsAnswers => true;

    /// <inheritdoc/>
    public IReadOnlyList<EvaluationMetric> Score(EvaluationInput input)
    {
        if (input.Answers is not { Items.Count: > 0 } answers)
            return [new("exact match", null, Note: input.Answers?.Note ?? "no held-out answers: set data.validation (the held-out tasks)")];
        var items = answers.Items;
        int exact = items.Count(a => ExtractCode(a.Completion) == ExtractCode((string?)a.Item["reference"] ?? a.Reference));
        var metrics = new List<EvaluationMetric> { new($"exact match ({items.Count} tasks)", exact / (double)items.Count) };

        var (passRate, testsPassed, note) = RunChecker(input.Recipe.RecipeDirectory, answers);
        metrics.Add(new("unit tests: tasks passed", passRate, Note: note));
        metrics.Add(new("unit tests: tests passed", testsPassed));
        return metrics;
    }

    private static (double? PassRate, double? TestsPassed, string? Note) RunChecker(string recipeDirectory, HeldOutAnswers answers)
    {
        var script = Path.Combine(recipeDirectory, CheckerScript);
        if (!File.Exists(script)) return (null, null, $"pass rate unavailable: {script} not found");
        if (FindPython() is not { } python) return (null, null, "pass rate unavailable: python3 not found (install Python 3 to run the unit tests)");
        string run = $"{Environment.ProcessId}-{Guid.NewGuid():N}";
        var heldOut = Path.Combine(Path.GetTempPath(), $"sft-heldout-{run}.jsonl");
        var completions = Path.Combine(Path.GetTempPath(), $"sft-completions-{run}.jsonl");
        try
        {
            // The tasks exactly as answered (a validation file or a split of data.train), each under its answer's id.
            File.WriteAllLines(heldOut, answers.Items.Select(a =>
            {
                var task = (JsonObject)a.Item.DeepClone();
                task["id"] = a.Id;
                return task.ToJsonString();
            }));
            File.WriteAllLines(completions, answers.Items.Select(a => JsonSerializer.Serialize(new { id = a.Id, completion = a.Completion })));
            var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { script, "--heldout", heldOut, "--completions", completions }) psi.ArgumentList.Add(a);
            using var process = Process.Start(psi)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var lastLine = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
            if (process.ExitCode != 0 || lastLine is null)
                return (null, null, $"pass rate unavailable: {script} exited with {process.ExitCode}: {stderr.Result.Trim()}");
            var summary = JsonNode.Parse(lastLine)!.AsObject();
            return ((double)summary["pass_rate"]!, (double)summary["tests_passed"]!, null);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or JsonException or InvalidOperationException)
        {
            return (null, null, $"pass rate unavailable: {e.Message}");
        }
        finally
        {
            File.Delete(heldOut);
            File.Delete(completions);
        }
    }

    /// <summary>/usr/bin/python3 when present (the system Python), else the first python3 on PATH, else null.</summary>
    private static string? FindPython()
    {
        if (File.Exists("/usr/bin/python3")) return "/usr/bin/python3";
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in new[] { "python3", "python3.exe", "python.exe" })
                if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        return null;
    }

    /// <summary>The code of an answer, as the checker compares it: the inside of the first ``` fence when there is one,
    /// trailing spaces of each line and surrounding blank lines removed.</summary>
    public static string ExtractCode(string text)
    {
        int fence = text.IndexOf("```", StringComparison.Ordinal);
        if (fence >= 0)
        {
            int close = text.IndexOf("```", fence + 3, StringComparison.Ordinal);
            string inner = close >= 0 ? text[(fence + 3)..close] : text[(fence + 3)..];
            int nl = inner.IndexOf('\n');
            string first = nl < 0 ? inner : inner[..nl], rest = nl < 0 ? "" : inner[(nl + 1)..];
            string label = first.Trim();
            text = label.Length == 0 || label.All(char.IsLetterOrDigit) ? rest : inner;
        }
        return string.Join("\n", text.Trim('\n').Split('\n').Select(l => l.TrimEnd())).Trim();
    }
}
