using DeclarativeSft.Recipes;

namespace DeclarativeSft.Runtime.Tests.Training;

/// <summary>
/// The recipe a trainer test runs under, parsed from a few lines of YAML by the product's parser, so every setting a
/// test leaves out has the parser's default (the trainer has no defaults of its own).
/// </summary>
public static class TrainerRecipe
{
    /// <summary>Parses <paramref name="sections"/> (the recipe's training/eval/output/lora/regularization sections; the
    /// trainer reads no others) under a name, a from-scratch model and a data file that the trainer does not read.</summary>
    /// <exception cref="InvalidOperationException">with the parser's diagnostics when the YAML is not a valid recipe.</exception>
    public static RecipeSpec Parse(string sections)
    {
        var path = Path.Combine(Path.GetTempPath(), "sft-trainer-tests", "recipe.sft.yaml");
        var text = "name: trainer-test\nmodel:\n  init:\n    preset: tiny\ndata:\n  train: train.jsonl\n" + sections;
        var parsed = RecipeParser.Parse(path, text);
        return parsed.Spec ?? throw new InvalidOperationException(
            "test recipe does not parse:\n" + string.Join("\n", parsed.Diagnostics.Select(d => d.ToString())) + "\n" + text);
    }

    /// <summary>A YAML scalar for a path (single-quoted, so Windows backslashes and colons stay as they are).</summary>
    public static string Quote(string path) => "'" + path.Replace("'", "''") + "'";
}
