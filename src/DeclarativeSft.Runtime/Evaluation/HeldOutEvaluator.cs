using System.Diagnostics;
using System.Text.Json;
using DeclarativeSft.Data;
using DeclarativeSft.Runtime.Model;

namespace DeclarativeSft.Runtime.Evaluation;

/// <summary>A held-out score: exact match always; unit-test pass rate when the items carry tests and Python is there.</summary>
/// <param name="Items">Items scored.</param>
/// <param name="ExactMatch">Share of completions whose code equals the reference (whitespace at line ends ignored).</param>
/// <param name="PassRate">Share of items whose every unit test passed, or null when unavailable (see <paramref name="Note"/>).</param>
/// <param name="TestsPassed">Share of single unit tests passed, or null.</param>
/// <param name="Note">Why the pass rate is unavailable, or null.</param>
/// <param name="Seconds">Wall time of generation plus checking.</param>
public sealed record HeldOutScore(int Items, double ExactMatch, double? PassRate, double? TestsPassed, string? Note, double Seconds);

/// <summary>
/// Scores a model on held-out tasks: greedy answers to every request (batched, KV cache), exact match against the
/// reference, and — when the items carry unit tests — the pass rate reported by the recipe's checker script.
/// </summary>
public sealed class HeldOutEvaluator
{
    private readonly IReadOnlyList<HeldOutTask> _tasks;
    private readonly string _heldOutPath;
    private readonly Func<IReadOnlyList<ChatMessage>, int[]> _encode;
    private readonly Func<IReadOnlyList<int>, string> _decode;
    private readonly IReadOnlySet<int> _stopIds;
    private readonly int _maxNewTokens;
    private readonly string? _checkerScript;

    /// <param name="tasks">Items to score (from <see cref="HeldOutTaskFile"/>).</param>
    /// <param name="heldOutPath">The file they came from (the checker reads the tests there).</param>
    /// <param name="encode">Request messages → prompt ids ending with the assistant turn's opening.</param>
    /// <param name="decode">Generated ids → text.</param>
    /// <param name="stopIds">Ids that end an answer.</param>
    /// <param name="maxNewTokens">Answer budget.</param>
    /// <param name="checkerScript">The unit-test checker, or null when none was found.</param>
    public HeldOutEvaluator(IReadOnlyList<HeldOutTask> tasks, string heldOutPath, Func<IReadOnlyList<ChatMessage>, int[]> encode,
        Func<IReadOnlyList<int>, string> decode, IReadOnlySet<int> stopIds, int maxNewTokens, string? checkerScript)
    {
        (_tasks, _heldOutPath, _encode, _decode, _stopIds, _maxNewTokens, _checkerScript) =
            (tasks, heldOutPath, encode, decode, stopIds, maxNewTokens, checkerScript);
    }

    /// <summary>Number of items.</summary>
    public int Count => _tasks.Count;

    /// <summary>Answers every item with <paramref name="model"/> and scores the answers; writes them (id, completion,
    /// reference) to <paramref name="completionsPath"/> when given.</summary>
    public HeldOutScore Score(LlamaForCausalLM model, string? completionsPath)
    {
        var clock = Stopwatch.StartNew();
        var prompts = _tasks.Select(t => _encode(t.Prompt)).ToList();
        var generated = BatchedGreedyDecoder.Generate(model, prompts, _maxNewTokens, _stopIds);
        var completions = _tasks.Select((t, i) => (t.Id, Completion: _decode(generated[i]))).ToList();
        double exact = _tasks.Count == 0 ? 0
            : _tasks.Where((t, i) => ExtractCode(completions[i].Completion) == ExtractCode(t.Reference)).Count() / (double)_tasks.Count;
        if (completionsPath is not null)
            AtomicFile.WriteAllText(completionsPath, string.Concat(_tasks.Select((t, i) =>
                JsonSerializer.Serialize(new { id = t.Id, completion = completions[i].Completion, reference = t.Reference }) + "\n")));

        double? passRate = null, testsPassed = null;
        string? note = null;
        if (_tasks.Any(t => t.HasTests))
        {
            var python = CompletionChecker.FindPython();
            if (_checkerScript is null) note = "pass rate unavailable: no tools/check_code_completions.py above the recipe folder";
            else if (python is null) note = "pass rate unavailable: python3 not found (install Python 3 to run the unit tests)";
            else
            {
                try
                {
                    var r = CompletionChecker.Check(python, _checkerScript, _heldOutPath, completions);
                    (passRate, testsPassed) = (r.PassRate, r.TestsPassed);
                }
                catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
                {
                    note = $"pass rate unavailable: {e.Message}";
                }
            }
        }
        return new HeldOutScore(_tasks.Count, exact, passRate, testsPassed, note, clock.Elapsed.TotalSeconds);
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
