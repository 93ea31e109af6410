namespace DeclarativeSft.Generators;

/// <summary>Names of the generator's pipeline steps (for <c>WithTrackingName</c> and the caching tests).</summary>
public static class TrackingNames
{
    public const string RecipeFiles = nameof(RecipeFiles);
    public const string ParsedRecipes = nameof(ParsedRecipes);
    public const string FileRequirements = nameof(FileRequirements);
    public const string AllFileRequirements = nameof(AllFileRequirements);
    public const string ReferencedFiles = nameof(ReferencedFiles);
    public const string ReferencedPaths = nameof(ReferencedPaths);
    public const string NotRegularInputs = nameof(NotRegularInputs);
    public const string TokenizerFiles = nameof(TokenizerFiles);
    public const string AllTokenizerFiles = nameof(AllTokenizerFiles);
    public const string FileChecks = nameof(FileChecks);
    public const string MissingFileChecks = nameof(MissingFileChecks);
    public const string CrossChecks = nameof(CrossChecks);
    public const string HasRuntime = nameof(HasRuntime);
    public const string ComponentClasses = nameof(ComponentClasses);
    public const string ComponentCatalog = nameof(ComponentCatalog);
    public const string ComponentBindings = nameof(ComponentBindings);
    public const string Emitted = nameof(Emitted);
}
