namespace DeclarativeSft.Data;

/// <summary>Holds out a fraction of the examples for validation, chosen by a seeded shuffle (same seed, same data ⇒
/// same split). Both parts keep the file order.</summary>
public static class ValidationSplit
{
    /// <summary>Splits <paramref name="examples"/>; <paramref name="fraction"/> in (0, 1). The validation part has
    /// round(fraction·n) examples, at least one.</summary>
    /// <exception cref="InvalidOperationException">when either part would be empty (the message says what to change).</exception>
    public static (List<T> Train, List<T> Validation) Split<T>(IReadOnlyList<T> examples, double fraction, int seed)
    {
        if (!(fraction > 0 && fraction < 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), $"data.validation.split must be between 0 and 1 (exclusive), got {fraction}");
        int n = examples.Count;
        int validationCount = Math.Max(1, (int)Math.Round(fraction * n, MidpointRounding.AwayFromZero));
        if (n < 2 || validationCount >= n)
            throw new InvalidOperationException(
                $"data.validation.split {fraction} of {n} example(s) leaves no training examples; add data, lower the split, or give data.validation.path");
        var order = new DeterministicRandom(seed, stream: 1).Permutation(n);
        var isValidation = new bool[n];
        for (int i = 0; i < validationCount; i++) isValidation[order[i]] = true;
        var train = new List<T>(n - validationCount);
        var validation = new List<T>(validationCount);
        for (int i = 0; i < n; i++) (isValidation[i] ? validation : train).Add(examples[i]);
        return (train, validation);
    }
}
