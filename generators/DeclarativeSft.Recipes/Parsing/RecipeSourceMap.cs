using System.Linq;

namespace DeclarativeSft.Recipes;

/// <summary>Where one key (or list item) of a recipe sits: its key and value positions.</summary>
/// <param name="Path">Dotted canonical path, list items as <c>data.train[1]</c>.</param>
public readonly record struct RecipeNodeLocation(string Path, int KeyLine, int KeyColumn, int ValueLine, int ValueColumn);

/// <summary>
/// Positions of every key of a parsed recipe, by value (no YAML nodes), so checks that run later — on data files,
/// on config.json — can still point at the YAML line that caused them.
/// </summary>
public sealed record RecipeSourceMap(string RecipePath, EquatableArray<RecipeNodeLocation> Locations)
{
    /// <summary>Position of the value of <paramref name="path"/>, else of its nearest present parent, else 1:1.</summary>
    public SourcePosition ValueOf(string path) => Find(path, value: true);

    /// <summary>Position of the key <paramref name="path"/>, else of its nearest present parent, else 1:1.</summary>
    public SourcePosition KeyOf(string path) => Find(path, value: false);

    /// <summary>True when the recipe spelled out <paramref name="path"/> (or an alias of it).</summary>
    public bool Has(string path) => Locations.Any(l => l.Path == path);

    private SourcePosition Find(string path, bool value)
    {
        var p = path;
        while (true)
        {
            foreach (var l in Locations)
                if (l.Path == p)
                    return value ? new SourcePosition(l.ValueLine, l.ValueColumn) : new SourcePosition(l.KeyLine, l.KeyColumn);
            int cut = System.Math.Max(p.LastIndexOf('.'), p.LastIndexOf('['));
            if (cut <= 0) return SourcePosition.Start;
            p = p.Substring(0, cut);
        }
    }
}
