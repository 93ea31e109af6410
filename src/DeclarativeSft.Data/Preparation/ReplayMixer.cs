namespace DeclarativeSft.Data;

/// <summary>
/// Mixes general-purpose "replay" examples into the task data to limit forgetting (seed 003). With n task
/// examples and ratio ρ, r = round(ρ·n / (1 − ρ)) replay examples are added, so replay makes up ρ of the mix.
/// Replay examples are drawn by a seeded shuffle, without repetition while the pool lasts, then cycling.
/// </summary>
public static class ReplayMixer
{
    /// <summary>How many replay examples give ratio <paramref name="ratio"/> next to <paramref name="taskCount"/> task examples.</summary>
    public static int ReplayCount(int taskCount, double ratio)
    {
        if (!(ratio >= 0 && ratio < 1))
            throw new ArgumentOutOfRangeException(nameof(ratio), $"data.replay.ratio must be in [0, 1), got {ratio} (1 would leave no task data)");
        return (int)Math.Round(ratio * taskCount / (1 - ratio), MidpointRounding.AwayFromZero);
    }

    /// <summary>The task examples followed by the drawn replay examples.</summary>
    public static List<T> Mix<T>(IReadOnlyList<T> task, IReadOnlyList<T> replay, double ratio, int seed)
    {
        int count = ReplayCount(task.Count, ratio);
        var mixed = new List<T>(task.Count + count);
        mixed.AddRange(task);
        if (count == 0) return mixed;
        if (replay.Count == 0)
            throw new InvalidOperationException("data.replay has no examples but ratio > 0; add examples to the replay file or set ratio: 0");
        var random = new DeterministicRandom(seed, stream: 2);
        int[] order = [];
        for (int i = 0; i < count; i++)
        {
            int inPass = i % replay.Count;
            if (inPass == 0) order = random.Permutation(replay.Count);
            mixed.Add(replay[order[inPass]]);
        }
        return mixed;
    }
}
