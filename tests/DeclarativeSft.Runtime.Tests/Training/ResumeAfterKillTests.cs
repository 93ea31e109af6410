using System.Diagnostics;
using DeclarativeSft.Runtime.Reporting;
using DeclarativeSft.Runtime.Training;

namespace DeclarativeSft.Runtime.Tests.Training;

/// <summary>A run killed with SIGKILL after a checkpoint resumes to exactly the metrics of an uninterrupted run.</summary>
public class ResumeAfterKillTests
{
    [Fact]
    public async Task Killed_run_resumes_to_identical_loss_sequence()
    {
        using var dir = new TempFolder();
        var baseDir = TinySetup.Checkpoint(dir.Path);

        var reference = dir["uninterrupted"];
        var full = TinySetup.RunLora(baseDir, reference, resume: false, new PlainTrainingProgress(TextWriter.Null));
        Assert.Equal(12, full.Steps);

        // Child: trains, checkpoints at step 4 and 8, logs step 10, then blocks until we kill it.
        var resumed = dir["killed"];
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { typeof(ResumeAfterKillTests).Assembly.Location, "train-child", baseDir, resumed, "10" }) psi.ArgumentList.Add(a);
        using (var child = Process.Start(psi)!)
        {
            var stderr = new System.Text.StringBuilder();
            child.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
            child.BeginErrorReadLine();
            var seen = new List<string>();
            var reader = Task.Run(() =>
            {
                string? line;
                while ((line = child.StandardOutput.ReadLine()) is not null && line != "blocked") seen.Add(line);
                return line;
            });
            bool blocked = await Task.WhenAny(reader, Task.Delay(TimeSpan.FromSeconds(180))) == reader && await reader == "blocked";
            if (!blocked) child.Kill();
            Assert.True(blocked, "child did not reach the blocking step:\n" + string.Join("\n", seen) + "\n" + stderr);
            using (var kill = Process.Start("kill", ["-9", child.Id.ToString()])!) kill.WaitForExit();
            Assert.True(child.WaitForExit(30_000), "child survived kill -9");
            Assert.Equal(137, child.ExitCode); // 128 + SIGKILL
        }
        Assert.Equal(Path.Combine(resumed, "checkpoints", "step-8"), CheckpointStore.Latest(Path.Combine(resumed, "checkpoints")));
        Assert.Contains(MetricsLog.Read(Path.Combine(resumed, "metrics.jsonl")), r => r.Step == 10); // lines past the checkpoint exist

        var after = TinySetup.RunLora(baseDir, resumed, resume: true, new PlainTrainingProgress(TextWriter.Null));
        Assert.Equal(12, after.Steps);

        static List<string> Comparable(string dir) => MetricsLog.Read(Path.Combine(dir, "metrics.jsonl"))
            .Select(r => FormattableString.Invariant($"{r.Step} {r.Loss:R} {r.ValLoss:R} {r.Lr:R} {r.GradNorm:R} {r.TrainedTokens}")).ToList();
        var expected = Comparable(reference);
        Assert.Equal(12 + 5, expected.Count); // 12 steps + validation at 0, 3, 6, 9, 12
        Assert.Equal(expected, Comparable(resumed));
    }
}
