using System.Diagnostics;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Lora;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Reporting;
using DeclarativeSft.Runtime.Training;
using TorchSharp;

namespace DeclarativeSft.Runtime.Tests.Training;

/// <summary>
/// An output folder belongs to one run (issue 10, items 4 and 9): a checkpoint of another seed or other training
/// settings is not resumed silently; a fresh start moves the earlier run aside instead of mixing or deleting it; a
/// second run on the folder refuses while the first lives and takes over the lock of a dead one; interrupted writes'
/// temporaries are removed on the next run; output.keep_checkpoints rotates old checkpoints, never the newest.
/// </summary>
public class RunOwnershipTests
{
    /// <summary>The repository's tiny Llama (recipes/models/tiny-chat): no PyTorch needed to make a base.</summary>
    internal static string BaseDir => Safetensors.SymlinkedCheckpointTests.TinyChat;

    /// <summary>TinySetup's LoRA run (12 steps, checkpoint every 4, resume auto) with the recipe changed by <paramref name="change"/>.</summary>
    internal static TrainingResult Run(string baseDir, string outDir, Func<RecipeSpec, RecipeSpec>? change = null, ITrainingProgress? progress = null,
        Action<LlamaForCausalLM>? spoil = null, int? stopAfterSteps = null)
    {
        torch.set_num_threads(1);
        var spec = TrainerRecipe.Parse($$"""
            lora: { r: 4, alpha: 8, dropout: 0.1, target_modules: [q_proj, v_proj] }
            training: { epochs: 3, micro_batch_size: 2, gradient_accumulation_steps: 2, learning_rate: 5.0e-3, warmup_steps: 2, seed: 9 }
            eval: { every_steps: 3 }
            output: { dir: {{TrainerRecipe.Quote(outDir)}}, checkpoint_every_steps: 4, resume_from_checkpoint: auto }
            """);
        spec = change?.Invoke(spec) ?? spec;
        using var model = LlamaForCausalLM.FromPretrained(baseDir);
        spoil?.Invoke(model);
        LoraInjector.Apply(model, spec.Lora!, seed: 5);
        var trainable = TrainableParameters.Configure(model, spec.Lora, 0);
        var trainer = new Trainer(model, trainable, spec, new RunContext { StopAfterSteps = stopAfterSteps },
            new DeclarativeSft.Data.EpochBatcher(TinySetup.Rows(16, 1), spec.Training.MicroBatchSize, 3), TinySetup.Rows(4, 2), null,
            progress ?? new PlainTrainingProgress(TextWriter.Null));
        return trainer.Run();
    }

    /// <summary>A change of the recipe's training section.</summary>
    internal static Func<RecipeSpec, RecipeSpec> Training(Func<TrainingSpec, TrainingSpec> change) => s => s with { Training = change(s.Training) };

    /// <summary>A change of the recipe's output section.</summary>
    internal static Func<RecipeSpec, RecipeSpec> Output(Func<OutputSpec, OutputSpec> change) => s => s with { Output = change(s.Output) };

    private static int DeadPid()
    {
        using var p = Process.Start("true")!;
        p.WaitForExit();
        return p.Id;
    }

    [Theory]
    [InlineData("seed", "training.seed was 9, now 10")]
    [InlineData("learning rate", "training.learning_rate was 0.005, now 0.001")]
    [InlineData("accumulation", "training.gradient_accumulation_steps was 2, now 1")]
    public void Checkpoint_of_another_run_is_not_resumed(string change, string named)
    {
        using var dir = new TempFolder();
        var baseDir = BaseDir;
        var outDir = dir["out"];
        var first = Run(baseDir, outDir, stopAfterSteps: 5);
        Assert.True(first.Interrupted);
        var metricsBefore = File.ReadAllText(Path.Combine(outDir, "metrics.jsonl"));

        var changed = change switch
        {
            "seed" => Training(t => t with { Seed = 10 }),
            "learning rate" => Training(t => t with { LearningRate = 1e-3 }),
            _ => Training(t => t with { GradientAccumulationSteps = 1 }),
        };
        var e = Assert.Throws<ResumeMismatchException>(() => Run(baseDir, outDir, changed));

        Assert.Contains(Path.Combine(outDir, "checkpoints", "step-4"), e.Message);
        Assert.Contains(named, e.Message);
        Assert.Contains("--resume never", e.Message);
        Assert.Contains("--output", e.Message);
        Assert.Equal(metricsBefore, File.ReadAllText(Path.Combine(outDir, "metrics.jsonl"))); // nothing touched
        Assert.False(File.Exists(Path.Combine(outDir, ProcessLock.FileName)), "the refused run released its lock");

        // The same settings resume.
        var resumed = Run(baseDir, outDir);
        Assert.Equal(12, resumed.Steps);
    }

    [Fact]
    public void Resume_never_moves_the_earlier_run_aside_and_starts_clean()
    {
        using var dir = new TempFolder();
        var baseDir = BaseDir;
        var outDir = dir["out"];
        Run(baseDir, outDir, Training(t => t with { Seed = 1 }));
        File.WriteAllText(Path.Combine(outDir, "samples.jsonl"), "{\"step\":12,\"prompt\":\"old run\"}\n");
        var oldMetrics = File.ReadAllText(Path.Combine(outDir, "metrics.jsonl"));

        var fresh = Run(baseDir, outDir, s => s with { Training = s.Training with { Seed = 2, MaxSteps = 4 }, Output = s.Output with { Resume = ResumeMode.Never } });

        Assert.Equal(4, fresh.Steps);
        var aside = Assert.Single(Directory.GetDirectories(Path.Combine(outDir, RunFolder.PreviousRunsDir)));
        Assert.Equal(oldMetrics, File.ReadAllText(Path.Combine(aside, "metrics.jsonl")));
        Assert.True(File.Exists(Path.Combine(aside, "samples.jsonl")));
        Assert.True(Directory.Exists(Path.Combine(aside, "checkpoints", "step-12")));
        Assert.True(File.Exists(Path.Combine(aside, "loss.svg")));
        // The new run's files hold the new run only.
        Assert.Equal([0, 1, 2, 3, 3, 4, 4], MetricsLog.Read(Path.Combine(outDir, "metrics.jsonl")).Select(r => r.Step));
        Assert.False(File.Exists(Path.Combine(outDir, "samples.jsonl")));
        Assert.Equal([Path.Combine(outDir, "checkpoints", "step-4")], CheckpointStore.Complete(Path.Combine(outDir, "checkpoints")));
    }

    [Fact]
    public void Second_run_on_a_folder_refuses_while_the_first_lives()
    {
        using var dir = new TempFolder();
        var baseDir = BaseDir;
        var outDir = dir["out"];
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { typeof(RunOwnershipTests).Assembly.Location, "train-child", baseDir, outDir, "2" }) psi.ArgumentList.Add(a);
        using var child = Process.Start(psi)!;
        try
        {
            string? line;
            while ((line = child.StandardOutput.ReadLine()) is not null && line != "blocked") { }
            Assert.Equal("blocked", line);

            var e = Assert.Throws<UserErrorException>(() => Run(baseDir, outDir));
            Assert.Contains($"pid {child.Id}", e.Message);
            Assert.Contains("--output", e.Message);
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }

        // The owner is gone (killed): its lock is stale and taken over.
        Assert.True(File.Exists(Path.Combine(outDir, ProcessLock.FileName)));
        var after = Run(baseDir, outDir, Output(o => o with { Resume = ResumeMode.Never }));
        Assert.Equal(12, after.Steps);
        Assert.False(File.Exists(Path.Combine(outDir, ProcessLock.FileName)));
    }

    [Fact]
    public void Lock_of_a_live_process_refuses_and_of_a_dead_one_is_taken_over()
    {
        using var dir = new TempFolder();
        using var sleeper = Process.Start("sleep", "60")!;
        try
        {
            File.WriteAllText(dir[ProcessLock.FileName], sleeper.Id + "\n");
            var e = Assert.Throws<UserErrorException>(() => ProcessLock.Acquire(dir.Path));
            Assert.Contains($"pid {sleeper.Id}", e.Message);
        }
        finally { sleeper.Kill(); sleeper.WaitForExit(); }

        File.WriteAllText(dir[ProcessLock.FileName], DeadPid() + "\n");
        using (ProcessLock.Acquire(dir.Path))
            Assert.Equal(Environment.ProcessId.ToString(), File.ReadAllText(dir[ProcessLock.FileName]).Trim());
        Assert.False(File.Exists(dir[ProcessLock.FileName]));
    }

    [Fact]
    public void Temporaries_of_interrupted_writes_are_removed_on_the_next_run()
    {
        using var dir = new TempFolder();
        var baseDir = BaseDir;
        var outDir = dir["out"];
        int dead = DeadPid();
        var checkpoints = Path.Combine(outDir, "checkpoints");
        var leftovers = new[]
        {
            Path.Combine(checkpoints, $".step-8.{dead}.tmp"),              // a checkpoint being written when killed
            Path.Combine(outDir, $".merged.sft-new.{dead}"),               // an export being assembled
            Path.Combine(checkpoints, $".step-2.removed.{dead}.tmp"),      // a rotated checkpoint being removed
        };
        foreach (var l in leftovers) { Directory.CreateDirectory(l); File.WriteAllText(Path.Combine(l, "x.safetensors"), "partial"); }
        var file = Path.Combine(outDir, $".metrics.jsonl.{dead}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(file, "partial");
        var users = Path.Combine(outDir, "notes.tmp"); // not one of ours: kept
        File.WriteAllText(users, "mine");

        Run(baseDir, outDir, Training(t => t with { MaxSteps = 2 }));

        foreach (var l in leftovers) Assert.False(Directory.Exists(l), l);
        Assert.False(File.Exists(file));
        Assert.Equal("mine", File.ReadAllText(users));
    }

    [Fact]
    public void Keep_checkpoints_rotates_old_ones_and_never_the_newest()
    {
        using var dir = new TempFolder();
        var baseDir = BaseDir;
        var outDir = dir["out"];
        var checkpoints = Path.Combine(outDir, "checkpoints");

        Run(baseDir, outDir, Output(o => o with { CheckpointEverySteps = 2, KeepCheckpoints = 2 }));
        Assert.Equal(["step-12", "step-10"], CheckpointStore.Complete(checkpoints).Select(Path.GetFileName));
        Assert.Empty(Directory.GetDirectories(checkpoints, ".*"));

        Assert.Equal(["step-10"], CheckpointStore.Rotate(checkpoints, 1).Select(Path.GetFileName));
        Assert.Empty(CheckpointStore.Rotate(checkpoints, 1)); // the newest complete one stays
        Assert.Equal(["step-12"], CheckpointStore.Complete(checkpoints).Select(Path.GetFileName));
    }

    [Fact]
    public void Resumed_run_keeps_only_its_own_samples()
    {
        using var dir = new TempFolder();
        var baseDir = BaseDir;
        var outDir = dir["out"];
        Run(baseDir, outDir, stopAfterSteps: 5);
        // Lines the interrupted process wrote after its last checkpoint (step 4).
        File.WriteAllText(Path.Combine(outDir, "samples.jsonl"), "{\"step\":3,\"prompt\":\"a\"}\n{\"step\":5,\"prompt\":\"after the checkpoint\"}\n");

        Run(baseDir, outDir);

        Assert.Equal(["{\"step\":3,\"prompt\":\"a\"}"], File.ReadAllLines(Path.Combine(outDir, "samples.jsonl")));
    }
}
