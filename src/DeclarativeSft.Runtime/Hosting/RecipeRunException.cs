namespace DeclarativeSft.Runtime.Hosting;

/// <summary>A problem with a recipe run that the user can fix (missing checkpoint, unavailable device…);
/// reported as one line on stderr with exit code 1.</summary>
public sealed class RecipeRunException(string message) : UserErrorException(message);
