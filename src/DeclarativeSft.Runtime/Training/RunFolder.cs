using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DeclarativeSft.Runtime.Training;

/// <summary>
/// The output folder of one training run: what belongs to a previous run is moved aside (never mixed with, never
/// deleted), what interrupted writes left behind is removed, and a checkpoint is resumed only when it was written by a
/// run with the same training-relevant settings.
/// </summary>
public static partial class RunFolder
{
    /// <summary>Where earlier runs' files go when a run starts afresh in the same folder.</summary>
    public const string PreviousRunsDir = "previous-runs";

    /// <summary>Files and folders that make up one run's results in the output folder.</summary>
    public static readonly string[] RunEntries =
        ["metrics.jsonl", "samples.jsonl", "loss.svg", "heldout-before.jsonl", "heldout-after.jsonl", "checkpoints", "adapter", "merged", "full"];

    /// <summary>Moves the results of an earlier run in <paramref name="outputDir"/> to previous-runs/&lt;time&gt;/;
    /// returns that folder, or null when there was nothing to move.</summary>
    public static string? MoveAside(string outputDir)
    {
        var present = RunEntries.Where(e => File.Exists(Path.Combine(outputDir, e)) || Directory.Exists(Path.Combine(outputDir, e))).ToList();
        if (present.Count == 0) return null;
        var stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var target = Path.Combine(outputDir, PreviousRunsDir, stamp);
        for (int i = 2; Directory.Exists(target); i++) target = Path.Combine(outputDir, PreviousRunsDir, $"{stamp}-{i}");
        Directory.CreateDirectory(target);
        foreach (var e in present)
        {
            var from = Path.Combine(outputDir, e);
            if (Directory.Exists(from)) Directory.Move(from, Path.Combine(target, e));
            else File.Move(from, Path.Combine(target, e));
        }
        return target;
    }

    /// <summary>Removes temporary files and folders of interrupted writes (of processes that are gone) from the output
    /// folder and its checkpoints folder: checkpoints being written, atomic-file temporaries, export swaps.</summary>
    public static void CleanLeftovers(string outputDir)
    {
        foreach (var dir in new[] { outputDir, Path.Combine(outputDir, "checkpoints") })
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir, ".*.tmp").ToList())
            {
                var m = TempName().Match(Path.GetFileName(entry));
                if (!m.Success || !int.TryParse(m.Groups["pid"].Value, out var pid) || ProcessLock.IsAlive(pid)) continue;
                try
                {
                    if (Directory.Exists(entry)) Directory.Delete(entry, true);
                    else File.Delete(entry);
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
        foreach (var export in new[] { "adapter", "merged", "full" }) ExportFolder.CleanLeftovers(Path.Combine(outputDir, export));
    }

    /// <summary>Keeps only the lines of samples.jsonl at or before <paramref name="step"/> (resuming from that step).</summary>
    public static void TruncateSamples(string path, int step)
    {
        if (!File.Exists(path)) return;
        var keep = File.ReadLines(path).Where(l =>
        {
            try { return JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt32() <= step; }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { return false; }
        }).Select(l => l + "\n");
        AtomicFile.WriteAllText(path, string.Concat(keep));
    }

    /// <summary>Throws when <paramref name="checkpoint"/> was written by a run whose training-relevant settings differ
    /// from <paramref name="current"/>, naming each difference and how to proceed.</summary>
    public static void CheckSameRun(string checkpoint, TrainerState state, IReadOnlyDictionary<string, string> current, string outputDir)
    {
        if (state.Run is not { } stored) return; // written before runs were recorded: nothing to compare
        var diffs = new List<string>();
        foreach (var key in stored.Keys.Union(current.Keys).OrderBy(k => k, StringComparer.Ordinal))
        {
            stored.TryGetValue(key, out var was);
            current.TryGetValue(key, out var now);
            if (was != now) diffs.Add($"{key} was {was ?? "(not set)"}, now {now ?? "(not set)"}");
        }
        if (diffs.Count == 0) return;
        throw new ResumeMismatchException(
            $"{checkpoint}: this checkpoint belongs to another run, not resumed: {string.Join("; ", diffs)}. " +
            $"Resuming would mix two runs. To start over in {outputDir}, pass --resume never (the earlier run's files move to {PreviousRunsDir}/); " +
            "or keep both with a new output folder (--output); or undo the change to continue the earlier run.");
    }

    /// <summary>A short content digest for run identities ("sha256:" and 16 hex digits).</summary>
    public static string Digest(string text) =>
        "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();

    [GeneratedRegex(@"^\..*\.(?<pid>\d+)(\.[0-9a-f]{32})?\.tmp$")]
    private static partial Regex TempName();
}

/// <summary>A checkpoint that would be resumed by a run it does not belong to (one line for the user).</summary>
public sealed class ResumeMismatchException(string message) : UserErrorException(message);

/// <summary>Training that cannot go on (a non-finite loss or gradient); the message names the step and likely causes.</summary>
public sealed class TrainingDivergedException(string message) : UserErrorException(message);
