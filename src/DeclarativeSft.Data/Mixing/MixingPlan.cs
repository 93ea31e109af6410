namespace DeclarativeSft.Data;

/// <summary>
/// How many examples of each source an epoch holds, and which ones. Without weights every example is used once per
/// epoch (the sources are concatenated). With weights the first source is used exactly once per epoch and source i
/// contributes round(n₀·wᵢ/w₀) examples (at least one), so the realized shares equal the weights up to rounding.
/// A source that contributes fewer examples than it has is subsampled and one that contributes more is repeated:
/// its examples are drawn from an endless sequence of seeded permutations, epoch e taking positions
/// [e·qᵢ, (e+1)·qᵢ), so successive epochs see different examples and no example repeats before all were seen.
/// Everything is a function of (seed, epoch): a resumed run draws the same examples.
/// </summary>
public sealed class MixingPlan
{
    private readonly int[] _sizes;
    private readonly int _seed;

    /// <summary>A plan for sources of <paramref name="sizes"/> examples with <paramref name="weights"/> (all null, or all positive and finite).</summary>
    public MixingPlan(IReadOnlyList<int> sizes, IReadOnlyList<double?> weights, int seed)
    {
        if (sizes.Count == 0) throw new ArgumentException("a mix needs at least one data source");
        if (weights.Count != sizes.Count) throw new ArgumentException("one weight per data source");
        bool weighted = weights[0] is not null;
        for (int i = 0; i < weights.Count; i++)
        {
            if ((weights[i] is null) == weighted)
                throw new ArgumentException($"data.train source {i}: either every source has a weight or none has");
            if (weights[i] is double w && !(w > 0 && double.IsFinite(w)))
                throw new ArgumentOutOfRangeException(nameof(weights), $"data.train source {i}: weight {w} must be positive and finite");
        }
        _sizes = sizes.ToArray();
        _seed = seed;
        Weights = weights.ToArray();
        Quotas = Compute(_sizes, Weights);
    }

    /// <summary>The sources' weights (null: unweighted).</summary>
    public IReadOnlyList<double?> Weights { get; }

    /// <summary>Examples of each source per epoch.</summary>
    public IReadOnlyList<int> Quotas { get; }

    /// <summary>Examples per epoch.</summary>
    public int EpochSize => Quotas.Sum();

    /// <summary>True when every epoch holds every example exactly once (no source sub- or oversampled): the epoch's
    /// examples, and so its packed rows, are the same in every epoch.</summary>
    public bool IsFixed => Quotas.Select((q, i) => q == _sizes[i]).All(x => x);

    /// <summary>Examples of each source per epoch (see the class summary); the build's step count uses the same rule.</summary>
    public static int[] Compute(IReadOnlyList<int> sizes, IReadOnlyList<double?> weights)
    {
        if (weights[0] is not double w0) return sizes.ToArray();
        var quotas = new int[sizes.Count];
        quotas[0] = sizes[0];
        for (int i = 1; i < sizes.Count; i++)
            quotas[i] = sizes[i] == 0 ? 0 : Math.Max(1, (int)Math.Round(sizes[0] * weights[i]!.Value / w0, MidpointRounding.AwayFromZero));
        return quotas;
    }

    /// <summary>Indices (into source <paramref name="source"/>, ascending, repeats possible) of the examples epoch
    /// <paramref name="epoch"/> uses.</summary>
    public int[] Draw(int source, int epoch)
    {
        int n = _sizes[source], q = Quotas[source];
        if (q == n) return Enumerable.Range(0, n).ToArray();
        var drawn = new int[q];
        long start = (long)epoch * q;
        int pass = -1;
        int[] order = [];
        for (int k = 0; k < q; k++)
        {
            long position = start + k;
            int p = (int)(position / n);
            if (p != pass) { order = new DeterministicRandom(_seed, stream: (source + 1) * 1_000_000L + p).Permutation(n); pass = p; }
            drawn[k] = order[(int)(position % n)];
        }
        Array.Sort(drawn);
        return drawn;
    }
}
