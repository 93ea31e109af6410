namespace DeclarativeSft.Data;

/// <summary>Every example of the recipe, labeled, per source: what inspection and the dataset report need
/// (text, tokens, spans, file:line) before training reduces it to ids and labels.</summary>
/// <param name="Tags">Source names, by source index.</param>
/// <param name="TrainBySource">Training examples of each source after the split and truncation.</param>
/// <param name="ValidationBySource">Validation examples: of each source (split), or of the validation file (one entry).</param>
public sealed record LabeledData(
    IReadOnlyList<string> Tags,
    IReadOnlyList<TruncationResult> TrainBySource,
    IReadOnlyList<TruncationResult> ValidationBySource)
{
    /// <summary>Every kept training example, source by source.</summary>
    public IReadOnlyList<LabeledExample> Train => TrainBySource.SelectMany(t => t.Kept).ToList();

    /// <summary>Training examples left out by <c>truncation: drop</c>.</summary>
    public IReadOnlyList<LabeledExample> Dropped => TrainBySource.SelectMany(t => t.Dropped).ToList();
}

/// <summary>What preparation did, for the run's header line and reports.</summary>
/// <param name="TrainExamples">Kept training examples of each source (before mixing).</param>
/// <param name="ValidationExamples">Kept validation examples.</param>
/// <param name="Dropped">Training examples dropped as too long.</param>
/// <param name="Truncated">Training examples cut to max_seq_len.</param>
public sealed record PreparationSummary(IReadOnlyList<int> TrainExamples, int ValidationExamples, int Dropped, int Truncated);

/// <summary>Everything the trainer needs from the data: the rows of every epoch (the mix) and the validation rows.</summary>
public sealed record PreparedData(TrainingMix Mix, IReadOnlyList<PackedRow> ValidationRows, PreparationSummary Summary)
{
    /// <summary>The rows of epoch 0 (of every epoch when no source is sub- or oversampled).</summary>
    public IReadOnlyList<PackedRow> TrainRows => Mix.RowsOf(0);

    /// <summary>Useful-token accounting of <see cref="TrainRows"/>.</summary>
    public PackingStats TrainStats => PackingStats.Of(TrainRows);
}

/// <summary>
/// read → default system prompt → validation split (per source) → render + tokenize + label → truncate → mix → rows.
/// Each source gives its own share to validation, so validation loss can be told per source; everything is seeded.
/// </summary>
public static class DataPipeline
{
    /// <summary>Reads all examples of <paramref name="files"/> as <see cref="ReadFile"/> does, each with the default
    /// system prompt (no splitting, no truncation).</summary>
    public static List<Conversation> Read(IEnumerable<string> files, DataPipelineOptions options) =>
        files.SelectMany(f => ReadFile(f, options)).Select(c => c.WithDefaultSystem(options.DefaultSystem)).ToList();

    /// <summary>
    /// The conversations of one data file as the recipe trains on them, in file order, lazily: each line read in
    /// <c>data.format</c> — for <c>custom</c>, made by <see cref="DataPipelineOptions.ReadCustom"/> — then passed through
    /// <see cref="DataPipelineOptions.Transform"/>; a line either returns null for is left out. Every reader of a
    /// recipe's data (training, validation, inspect, held-out answers, the export proof) goes through this or
    /// <see cref="ReadLine"/>, so a dropped or reshaped example is the same everywhere. No default system prompt yet.
    /// </summary>
    public static IEnumerable<Conversation> ReadFile(string path, DataPipelineOptions options)
    {
        if (options.Format != DatasetFormat.Custom)
            return Transformed(DatasetReader.ReadFile(path, options.Format), options.Transform);
        var read = CustomReader(options);
        return DatasetReader.ReadJsonFile(path).Select(read).OfType<Conversation>();
    }

    /// <summary>One line of <paramref name="file"/> read as <see cref="ReadFile"/> reads each: null when it is blank or
    /// the recipe's reader or transform leaves it out.</summary>
    public static Conversation? ReadLine(string line, string file, int lineNumber, DataPipelineOptions options)
    {
        if (string.IsNullOrWhiteSpace(line)) return null;
        if (options.Format == DatasetFormat.Custom)
            return CustomReader(options)(DatasetReader.JsonLine(line, 0, line.Length, file, lineNumber));
        var read = DatasetReader.ParseLine(line, file, lineNumber, options.Format);
        return options.Transform is null ? read : Checked(options.Transform(read), read.SourceFile, read.SourceLine);
    }

    private static IEnumerable<Conversation> Transformed(IEnumerable<Conversation> read, Func<Conversation, Conversation?>? transform) =>
        transform is null ? read : read.Select(c => Checked(transform(c), c.SourceFile, c.SourceLine)).OfType<Conversation>();

    private static Func<RawDataLine, Conversation?> CustomReader(DataPipelineOptions options)
    {
        var read = options.ReadCustom ?? throw new ArgumentException(
            "data.format custom needs DataPipelineOptions.ReadCustom (the recipe's data.transform) to turn its lines into conversations", nameof(options));
        return line => Checked(read(line), line.File, line.Line);
    }

    /// <summary>What the recipe's code made of a data line, held to the turn order every read line meets and kept at
    /// that line (so later errors about it, too long or nothing to train, name it).</summary>
    private static Conversation? Checked(Conversation? made, string file, int line)
    {
        if (made is null) return null;
        var order = ConversationRules.FindOrderProblem(made.Messages);
        if (order is not null)
            throw new DataFormatException(file, line, $"data.transform made this line a conversation it cannot train on: {order}", DataProblemKind.WrongOrder);
        return made.SourceFile == file && made.SourceLine == line ? made : made with { SourceFile = file, SourceLine = line };
    }

    /// <summary>Reads, splits, labels and truncates every source.</summary>
    public static LabeledData Label(DataPipelineOptions options, LossMasker masker)
    {
        if (options.Sources.Count == 0) throw new ArgumentException("data.train names no source");
        var train = new List<TruncationResult>();
        var validation = new List<TruncationResult>();
        foreach (var source in options.Sources)
        {
            var (kept, held) = ReadSource(source, options);
            train.Add(Truncation.Apply(kept.Select(masker.Label), options.MaxSeqLen, options.Truncation, masker.Options, refuseNothingToTrain: true));
            if (options.ValidationFile is null) validation.Add(Truncation.Apply(held.Select(masker.Label), options.MaxSeqLen, options.Truncation, masker.Options, refuseNothingToTrain: true));
        }
        if (options.ValidationFile is not null)
            validation = [Truncation.Apply(Read([options.ValidationFile], options).Select(masker.Label), options.MaxSeqLen, options.Truncation, masker.Options, refuseNothingToTrain: true)];
        return new LabeledData(options.Sources.Select(s => s.Tag).ToList(), train, validation);
    }

    /// <summary>
    /// The held-out conversations, before labeling and truncation: those of <c>data.validation.path</c>, or each
    /// source's <c>data.validation.split</c> share of <c>data.train</c> (the same examples <see cref="Label"/> holds
    /// out), source by source in file order; none without validation data. Each keeps its file and line.
    /// </summary>
    public static List<Conversation> ReadValidation(DataPipelineOptions options) =>
        options.ValidationFile is { } file ? Read([file], options)
        : options.ValidationSplit is > 0 ? options.Sources.SelectMany(s => ReadSource(s, options).Held).ToList()
        : [];

    /// <summary>One source's conversations, less the validation split's share when the recipe splits.</summary>
    private static (List<Conversation> Kept, List<Conversation> Held) ReadSource(TrainingSource source, DataPipelineOptions options)
    {
        var all = Read([source.Path], options);
        if (all.Count == 0)
            throw new InvalidOperationException($"no examples in {source.Path}; add JSON lines to it or remove it from data.train");
        return options.ValidationFile is null && options.ValidationSplit is double split && split > 0
            ? ValidationSplit.Split(all, split, options.Seed)
            : (all, []);
    }

    /// <summary>Reads and labels the data (<see cref="Label"/>) and builds the training mix and validation rows.</summary>
    public static PreparedData Prepare(DataPipelineOptions options, LossMasker masker, int padTokenId) =>
        Prepare(Label(options, masker), options, padTokenId);

    /// <summary>The training mix and validation rows of already labeled data.</summary>
    public static PreparedData Prepare(LabeledData labeled, DataPipelineOptions options, int padTokenId)
    {
        var bySource = labeled.TrainBySource.Select((t, s) => (IReadOnlyList<TokenizedExample>)t.Kept.Select(e => e.ToTokenizedExample(s)).ToList()).ToList();
        var validation = labeled.ValidationBySource.SelectMany((t, s) => t.Kept.Select(e => e.ToTokenizedExample(s))).ToList();
        var summary = new PreparationSummary(bySource.Select(b => b.Count).ToList(), validation.Count,
            labeled.TrainBySource.Sum(t => t.Dropped.Count), labeled.TrainBySource.Sum(t => t.TruncatedCount));
        return Assemble(labeled.Tags, bySource, validation, summary, options, padTokenId);
    }

    /// <summary>The mix and validation rows of tokenized examples (freshly labeled or read from the preparation cache).</summary>
    public static PreparedData Assemble(IReadOnlyList<string> tags, IReadOnlyList<IReadOnlyList<TokenizedExample>> bySource,
        IReadOnlyList<TokenizedExample> validation, PreparationSummary summary, DataPipelineOptions options, int padTokenId,
        IReadOnlyList<PackedRow>? trainRows = null, IReadOnlyList<PackedRow>? validationRows = null)
    {
        for (int s = 0; s < bySource.Count; s++)
            if (bySource[s].Count == 0)
                throw new InvalidOperationException($"data.train source '{tags[s]}' has no training examples left after the validation split and truncation ({options.Sources[s].Path}); add examples, raise max_seq_len or lower the split");
        var plan = new MixingPlan(bySource.Select(b => b.Count).ToList(), options.Sources.Select(s => s.Weight).ToList(), options.Seed);
        var layout = options.Layout(padTokenId);
        var mix = new TrainingMix(tags, bySource, plan, layout, options.Seed, trainRows);
        return new PreparedData(mix, validationRows ?? layout.Build(validation), summary);
    }
}
