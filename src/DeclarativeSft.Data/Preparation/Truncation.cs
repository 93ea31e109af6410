namespace DeclarativeSft.Data;

/// <summary>What to do with an example longer than <c>max_seq_len</c> (recipe key <c>data.truncation</c>).</summary>
public enum TruncationMode
{
    /// <summary>Leave the example out (reported as dropped).</summary>
    Drop,
    /// <summary>Keep its first max_seq_len tokens (the end of the answer, and its end-of-turn, are lost).</summary>
    Truncate,
    /// <summary>Stop with an error naming the example's file:line.</summary>
    Error,
}

/// <summary>What happens to one labeled example under <c>max_seq_len</c> and <c>data.truncation</c>.</summary>
public enum ExampleFate
{
    /// <summary>Fits: trained as it is.</summary>
    Kept,
    /// <summary>Cut to max_seq_len tokens and trained (some trained tokens may be lost).</summary>
    Truncated,
    /// <summary>Cut to max_seq_len tokens and left with no trained token: it costs compute and teaches nothing.</summary>
    TruncatedToNothing,
    /// <summary>Longer than max_seq_len under <c>truncation: drop</c>: left out.</summary>
    Dropped,
    /// <summary>No token of it is trained under the mask at all (before any truncation): it would add a 0/0 to the
    /// loss. The build refuses it (SFT0025) and so does the training pipeline; the label view still shows it.</summary>
    NothingToTrain,
}

/// <summary>The decision about one example: its fate, what is trained of it, and whether its end of turn survives.</summary>
/// <param name="Example">The example as trained (truncated when <paramref name="Fate"/> says so); the original when dropped.</param>
/// <param name="Fate">What happens to it.</param>
public sealed record ExampleVerdict(LabeledExample Example, ExampleFate Fate)
{
    /// <summary>Tokens that contribute to the loss (0 when dropped).</summary>
    public int TrainedTokens => Fate == ExampleFate.Dropped ? 0 : Example.TrainedTokenCount;

    /// <summary>The assistant's end-of-turn was to be trained (train_eos) but is not, e.g. truncation cut it off.</summary>
    public bool EndOfTurnLost => Fate != ExampleFate.Dropped && Example.EndOfTurnExpected && !Example.EndOfTurnTrained;
}

/// <summary>The examples that remain after truncation, and what happened to the others.</summary>
public sealed record TruncationResult(IReadOnlyList<LabeledExample> Kept, IReadOnlyList<LabeledExample> Dropped, int TruncatedCount);

/// <summary>Applies <see cref="TruncationMode"/> to labeled examples: the one decision the build (diagnostics at the
/// data line) and the run (what is trained) both take.</summary>
public static class Truncation
{
    /// <summary>The recipe spellings of <c>data.truncation</c> (the recipe parser reads these).</summary>
    public static IReadOnlyList<(string Name, TruncationMode Value)> ModeNames { get; } =
    [
        ("drop", TruncationMode.Drop), ("truncate", TruncationMode.Truncate), ("error", TruncationMode.Error),
    ];

    /// <summary>Decides about one example.</summary>
    /// <exception cref="DataFormatException">It is longer than <paramref name="maxSeqLen"/> under
    /// <c>truncation: error</c>.</exception>
    public static ExampleVerdict Judge(LabeledExample example, int maxSeqLen, TruncationMode mode, LossMaskOptions? mask = null)
    {
        mask ??= new LossMaskOptions();
        if (maxSeqLen < 1) throw new ArgumentOutOfRangeException(nameof(maxSeqLen), "max_seq_len must be at least 1");
        if (example.TrainedTokenCount == 0) return new ExampleVerdict(example, ExampleFate.NothingToTrain);
        if (example.Length <= maxSeqLen) return new ExampleVerdict(example, ExampleFate.Kept);
        switch (mode)
        {
            case TruncationMode.Drop:
                return new ExampleVerdict(example, ExampleFate.Dropped);
            case TruncationMode.Truncate:
                var cut = example.Truncate(maxSeqLen);
                return new ExampleVerdict(cut, cut.TrainedTokenCount == 0 ? ExampleFate.TruncatedToNothing : ExampleFate.Truncated);
            case TruncationMode.Error:
                throw new DataFormatException(example.Source.SourceFile, example.Source.SourceLine,
                    $"example has {example.Length} tokens, more than data.max_seq_len {maxSeqLen}; raise max_seq_len, shorten the example, or set data.truncation: drop or truncate",
                    DataProblemKind.TooLong, 1, example.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "not a truncation mode");
        }
    }

    /// <summary>The error training raises for an example whose verdict is <see cref="ExampleFate.NothingToTrain"/>.</summary>
    public static DataFormatException NothingToTrain(LabeledExample example, LossMaskOptions mask) =>
        new(example.Source.SourceFile, example.Source.SourceLine,
            $"example has no trained token under mask.train_on: {LossMaskOptions.NameOf(mask.Mode)}{(mask.TrainEos ? "" : " with train_eos: false")}; it would add nothing to training. " +
            (example.Source.Messages.Any(m => m.Role == ChatRoles.Assistant)
                ? "Give the assistant turn some content, or set mask.train_eos: true."
                : "Add an assistant turn, or use mask.train_on: all."), DataProblemKind.NoTrainedToken);

    /// <summary>Applies <see cref="Judge"/> to every example; <paramref name="refuseNothingToTrain"/> (training) makes an
    /// example with no trained token an error, as the build does; the label view keeps it to show it.</summary>
    public static TruncationResult Apply(IEnumerable<LabeledExample> examples, int maxSeqLen, TruncationMode mode, LossMaskOptions? mask = null,
        bool refuseNothingToTrain = false)
    {
        mask ??= new LossMaskOptions();
        var kept = new List<LabeledExample>();
        var dropped = new List<LabeledExample>();
        int truncated = 0;
        foreach (var example in examples)
        {
            var verdict = Judge(example, maxSeqLen, mode, mask);
            if (verdict.Fate == ExampleFate.NothingToTrain && refuseNothingToTrain) throw NothingToTrain(example, mask);
            if (verdict.Fate == ExampleFate.Dropped) { dropped.Add(verdict.Example); continue; }
            if (verdict.Fate is ExampleFate.Truncated or ExampleFate.TruncatedToNothing) truncated++;
            kept.Add(verdict.Example);
        }
        return new TruncationResult(kept, dropped, truncated);
    }
}
