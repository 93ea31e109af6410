using System;

namespace DeclarativeSft.Generators;

/// <summary>Which AdditionalFiles are recipes, and path normalisation so recipe paths and item paths compare equal.</summary>
internal static class RecipeFileNames
{
    public const string Extension = ".sft.yaml";

    public static bool IsRecipe(string path) => path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    public static string Normalize(string path)
    {
        try { return System.IO.Path.GetFullPath(path); }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or System.IO.PathTooLongException) { return path; }
    }
}
