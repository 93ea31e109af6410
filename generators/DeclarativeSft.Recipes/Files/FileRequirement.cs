namespace DeclarativeSft.Recipes;

/// <summary>Why a recipe needs a file.</summary>
public enum ReferencedFileKind { TrainData, ValidationData, ModelConfig, TokenizerJson, TokenizerConfig }

/// <summary>
/// A file a recipe depends on, with everything needed to check it alone (the spec, positions, module names waiting
/// for the architecture). In the generator each file is checked in its own cached step.
/// </summary>
/// <param name="Path">Absolute path of the file.</param>
/// <param name="KeyPath">Recipe key that names the file (where "missing" is reported), e.g. <c>data.train[0]</c>.</param>
/// <param name="SourceIndex">For training data: the source's position in data.train; -1 otherwise.</param>
public sealed record FileRequirement(
    ReferencedFileKind Kind,
    string Path,
    string KeyPath,
    RecipeSpec Spec,
    RecipeSourceMap Map,
    EquatableArray<UnresolvedModuleName> UnresolvedModules,
    int SourceIndex = -1);

/// <summary>Outcome of checking one required file.</summary>
/// <param name="ExampleCount">Examples that train, for data files (used by the cross-file checks); -1 when the file is missing.</param>
/// <param name="TrainedTokens">Their trained tokens, for data files; -1 when unknown (no tokenizer, or not a data file).</param>
/// <param name="Fingerprints">For training data: each example's fingerprint, for the dataset checks across files
/// (duplicates, format collapse; see <see cref="DatasetQuality"/>).</param>
public sealed record FileCheckResult(ReferencedFileKind Kind, string Path, string RecipePath, EquatableArray<RecipeDiagnostic> Diagnostics, int ExampleCount,
    long TrainedTokens = -1, EquatableArray<Data.Quality.ExampleFingerprint> Fingerprints = default);

/// <summary>Reads files for the validator: the disk in the CLI, AdditionalFiles in the generator.</summary>
public interface IRecipeFiles
{
    /// <summary>Text of the file at <paramref name="absolutePath"/>, or null when it does not exist or cannot be read.</summary>
    string? ReadAllText(string absolutePath);

    /// <summary>What the path is when it exists but is no regular file ("a character device", "a named pipe",
    /// "a folder"; see <see cref="FileKinds"/>); null otherwise. Such a path is never read.</summary>
    string? NotRegular(string absolutePath);
}
