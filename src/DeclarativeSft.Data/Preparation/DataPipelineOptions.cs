namespace DeclarativeSft.Data;

/// <summary>The <c>data</c> section of a recipe, resolved (absolute paths) — what <c>DataPipeline</c> needs
/// besides a <see cref="LossMasker"/>.</summary>
/// <param name="Sources">Training sources (<c>data.train</c>), in recipe order; see <see cref="MixingPlan"/> for weights.</param>
/// <param name="Format">The data files' format.</param>
/// <param name="MaxSeqLen">Longest example, in tokens; also the packed row length.</param>
/// <param name="Truncation">What happens to examples longer than <paramref name="MaxSeqLen"/>.</param>
/// <param name="Packing">Pack several examples per row (block-causal) instead of one padded example per row.</param>
/// <param name="PackingStrategy">How examples are assigned to rows when packing.</param>
/// <param name="ValidationSplit">Fraction held out of each training source, or null.</param>
/// <param name="ValidationFile">A separate validation file (same format), or null.</param>
/// <param name="Seed">Seed of the validation split, the mixing draws and the epoch order.</param>
/// <param name="DefaultSystem">template.system: the system prompt of examples that have none.</param>
/// <param name="Transform">data.transform: applied to each conversation as it is read (null result: left out), before
/// the default system prompt; null: none.</param>
/// <param name="ReadCustom">data.transform of a <c>data.format: custom</c> recipe: makes each JSON line a conversation
/// (null result: left out); required for that format, null for every other.</param>
public sealed record DataPipelineOptions(
    IReadOnlyList<TrainingSource> Sources,
    DatasetFormat Format,
    int MaxSeqLen,
    TruncationMode Truncation = TruncationMode.Drop,
    bool Packing = true,
    PackingStrategy PackingStrategy = PackingStrategy.BestFit,
    double? ValidationSplit = null,
    string? ValidationFile = null,
    int Seed = 42,
    string? DefaultSystem = null,
    Func<Conversation, Conversation?>? Transform = null,
    Func<RawDataLine, Conversation?>? ReadCustom = null)
{
    /// <summary>Options for unweighted training files, each its own source tagged by its file name.</summary>
    public static DataPipelineOptions ForFiles(IReadOnlyList<string> files, DatasetFormat format, int maxSeqLen) =>
        new(files.Select(f => new TrainingSource(f, null, Path.GetFileNameWithoutExtension(f))).ToList(), format, maxSeqLen);

    /// <summary>The training files, in order.</summary>
    public IEnumerable<string> TrainFiles => Sources.Select(s => s.Path);

    /// <summary>How examples become rows.</summary>
    public RowLayout Layout(int padTokenId) => new(MaxSeqLen, Packing, PackingStrategy, padTokenId);
}
