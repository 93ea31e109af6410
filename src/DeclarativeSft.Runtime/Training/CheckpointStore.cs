using DeclarativeSft.Runtime.Safetensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Training;

/// <summary>
/// checkpoints/step-N/ folders: trainable.safetensors (the trained tensors by name), optimizer.safetensors (AdamW
/// moments and step counts), trainer_state.json (position, data cursor, RNG states). Written into a temporary
/// sibling folder and renamed into place, so a kill at any moment leaves either the complete checkpoint or none.
/// </summary>
public static class CheckpointStore
{
    public const string TrainableFile = "trainable.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string StateFile = "trainer_state.json";

    /// <summary>Writes step-<paramref name="state"/>.Step atomically under <paramref name="checkpointsDir"/>; returns its path.</summary>
    /// <exception cref="UserErrorException">The checkpoint cannot be written (full disk, permission): names the folder.</exception>
    public static string Save(string checkpointsDir, TrainerState state, IReadOnlyList<(string Name, Parameter Tensor)> trainable, AdamW optimizer, string? adapterConfigJson = null)
    {
        try { return Write(checkpointsDir, state, trainable, optimizer, adapterConfigJson); }
        catch (Exception e) when (UserErrorException.FromIo(e, Path.Combine(checkpointsDir, $"step-{state.Step}"), "cannot write the checkpoint") is { } user) { throw user; }
    }

    private static string Write(string checkpointsDir, TrainerState state, IReadOnlyList<(string Name, Parameter Tensor)> trainable, AdamW optimizer, string? adapterConfigJson)
    {
        Directory.CreateDirectory(checkpointsDir);
        var final = Path.Combine(checkpointsDir, $"step-{state.Step}");
        var tmp = Path.Combine(checkpointsDir, $".step-{state.Step}.{Environment.ProcessId}.tmp");
        if (Directory.Exists(tmp)) Directory.Delete(tmp, true);
        Directory.CreateDirectory(tmp);
        SafetensorsWriter.Write(Path.Combine(tmp, TrainableFile), trainable.Select(p => TensorSafetensors.ToEntry(p.Name, p.Tensor)).ToList());
        var opt = AdamWState.Export(optimizer);
        try
        {
            SafetensorsWriter.Write(Path.Combine(tmp, OptimizerFile), opt.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => TensorSafetensors.ToEntry(kv.Key, kv.Value)).ToList());
        }
        finally
        {
            foreach (var t in opt.Values) t.Dispose();
        }
        AtomicFile.WriteAllText(Path.Combine(tmp, StateFile), state.ToJson());
        if (adapterConfigJson is not null) AtomicFile.WriteAllText(Path.Combine(tmp, "adapter_config.json"), adapterConfigJson);
        if (Directory.Exists(final))
        {
            // Re-saving a step (a run resumed from an earlier checkpoint): the old folder is renamed to a temporary name
            // first, so a kill leaves a leftover the next run removes, never a half-deleted step-N.
            var replaced = Path.Combine(checkpointsDir, $".step-{state.Step}.replaced.{Environment.ProcessId}.tmp");
            Directory.Move(final, replaced);
            Directory.Move(tmp, final);
            Directory.Delete(replaced, true);
        }
        else Directory.Move(tmp, final);
        return final;
    }

    /// <summary>The newest complete checkpoint under <paramref name="checkpointsDir"/>, or null.</summary>
    public static string? Latest(string checkpointsDir)
    {
        if (!Directory.Exists(checkpointsDir)) return null;
        return Directory.GetDirectories(checkpointsDir, "step-*")
            .Where(d => File.Exists(Path.Combine(d, StateFile)) && int.TryParse(Path.GetFileName(d)["step-".Length..], out _))
            .OrderByDescending(d => int.Parse(Path.GetFileName(d)["step-".Length..]))
            .FirstOrDefault();
    }

    /// <summary>Complete checkpoints (step-N with trainer_state.json), newest first.</summary>
    public static List<string> Complete(string checkpointsDir)
    {
        if (!Directory.Exists(checkpointsDir)) return [];
        return Directory.GetDirectories(checkpointsDir, "step-*")
            .Where(d => File.Exists(Path.Combine(d, StateFile)) && int.TryParse(Path.GetFileName(d)["step-".Length..], out _))
            .OrderByDescending(d => int.Parse(Path.GetFileName(d)["step-".Length..]))
            .ToList();
    }

    /// <summary>Removes complete checkpoints beyond the newest <paramref name="keep"/> (0 = keep all); the newest complete
    /// one and <paramref name="spare"/> (the one a run resumed from, when outside the list) are never removed.
    /// Returns the removed folders.</summary>
    public static List<string> Rotate(string checkpointsDir, int keep, string? spare = null)
    {
        var removed = new List<string>();
        if (keep <= 0) return removed;
        foreach (var old in Complete(checkpointsDir).Skip(Math.Max(1, keep)))
        {
            if (spare is not null && Path.GetFullPath(old) == Path.GetFullPath(spare)) continue;
            // Rename first so that a kill mid-delete leaves a temporary name (removed on the next run), not a damaged step-N.
            var doomed = Path.Combine(checkpointsDir, $".{Path.GetFileName(old)}.removed.{Environment.ProcessId}.tmp");
            Directory.Move(old, doomed);
            Directory.Delete(doomed, true);
            removed.Add(old);
        }
        return removed;
    }

    /// <summary>Restores trainable tensors and optimizer state in place; returns the trainer state.</summary>
    public static TrainerState Load(string checkpointDir, IReadOnlyList<(string Name, Parameter Tensor)> trainable, AdamW optimizer)
    {
        var statePath = Path.Combine(checkpointDir, StateFile);
        if (!File.Exists(statePath))
            throw new UserErrorException($"{checkpointDir}: not a complete checkpoint ({StateFile} missing).");
        var state = TrainerState.Load(statePath);
        using (var weights = SafetensorsFile.Open(Path.Combine(checkpointDir, TrainableFile)))
        {
            foreach (var (name, t) in trainable)
            {
                if (!weights.Contains(name))
                    throw new UserErrorException($"{weights.Path}: tensor '{name}' missing — the checkpoint was written by a run with different trainable parameters (LoRA targets or freeze_layers changed).");
                TensorSafetensors.CopyInto(weights, name, t);
            }
        }
        using (var opt = SafetensorsFile.Open(Path.Combine(checkpointDir, OptimizerFile)))
        {
            var dict = new Dictionary<string, Tensor>();
            using var scope = torch.NewDisposeScope();
            foreach (var n in opt.TensorNames) dict[n] = TensorSafetensors.Read(opt, n, torch.CPU);
            AdamWState.Import(optimizer, dict);
        }
        return state;
    }
}
