namespace DeclarativeSft.Data;

/// <summary>Everything the trainer needs from the data, plus what happened on the way (for reports and warnings).</summary>
public sealed record PreparedData(
    IReadOnlyList<LabeledExample> Train,
    IReadOnlyList<LabeledExample> Validation,
    IReadOnlyList<PackedRow> TrainRows,
    IReadOnlyList<PackedRow> ValidationRows,
    TruncationResult TrainTruncation,
    int ReplayExamples)
{
    public PackingStats TrainStats => PackingStats.Of(TrainRows);
}

/// <summary>
/// read → default system prompt → validation split → replay mix → render + tokenize + label → truncate → rows.
/// The split happens before replay, so validation measures the task only; everything is seeded.
/// </summary>
public static class DataPipeline
{
    /// <summary>Reads and labels all examples of <paramref name="files"/> (no splitting, no truncation).</summary>
    public static List<Conversation> Read(IEnumerable<string> files, DatasetFormat format, string? defaultSystem) =>
        files.SelectMany(f => DatasetReader.ReadFile(f, format)).Select(c => c.WithDefaultSystem(defaultSystem)).ToList();

    public static PreparedData Prepare(DataPipelineOptions options, LossMasker masker, int padTokenId)
    {
        var all = Read(options.TrainFiles, options.Format, options.DefaultSystem);
        if (all.Count == 0)
            throw new InvalidOperationException($"no examples in {string.Join(", ", options.TrainFiles)}; add JSON lines to data.train");

        List<Conversation> train, validation;
        if (options.ValidationFile != null)
            (train, validation) = (all, Read([options.ValidationFile], options.Format, options.DefaultSystem));
        else if (options.ValidationSplit is double split && split > 0)
            (train, validation) = ValidationSplit.Split(all, split, options.Seed);
        else
            (train, validation) = (all, []);

        int replayCount = 0;
        if (options.ReplayFile != null && options.ReplayRatio > 0)
        {
            var replay = Read([options.ReplayFile], options.Format, options.DefaultSystem);
            var mixed = ReplayMixer.Mix(train, replay, options.ReplayRatio, options.Seed);
            replayCount = mixed.Count - train.Count;
            train = mixed;
        }

        var trainLabeled = Truncation.Apply(train.Select(masker.Label), options.MaxSeqLen, options.Truncation, masker.Options, refuseNothingToTrain: true);
        var validationLabeled = Truncation.Apply(validation.Select(masker.Label), options.MaxSeqLen, options.Truncation, masker.Options, refuseNothingToTrain: true);

        return new PreparedData(
            trainLabeled.Kept,
            validationLabeled.Kept,
            Rows(trainLabeled.Kept, options, padTokenId),
            Rows(validationLabeled.Kept, options, padTokenId),
            trainLabeled,
            replayCount);
    }

    private static List<PackedRow> Rows(IReadOnlyList<LabeledExample> examples, DataPipelineOptions options, int padTokenId)
    {
        var tokenized = examples.Select(e => e.ToTokenizedExample()).ToList();
        return options.Packing
            ? Packer.Pack(tokenized, options.MaxSeqLen, options.PackingStrategy, padTokenId)
            : Packer.Pad(tokenized, options.MaxSeqLen, padTokenId);
    }
}
