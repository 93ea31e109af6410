using System.Text.Json;
using DeclarativeSft.Recipes;
using static DeclarativeSft.Recipes.Tests.Fixtures.RecipeFixture;

namespace DeclarativeSft.Recipes.Tests.Schema;

/// <summary>recipes/recipe.schema.json (what editors complete) and the parser accept exactly the same keys and enum values.</summary>
public class RecipeSchemaTests
{
    private static JsonElement Schema()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "recipe.schema.json");
        Assert.True(File.Exists(path), "recipe.schema.json was not copied next to the tests (recipes/recipe.schema.json missing?)");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
    }

    private static IEnumerable<(string Path, JsonElement Node)> Properties(JsonElement node, string prefix)
    {
        foreach (var branch in Branches(node))
        {
            if (!branch.TryGetProperty("properties", out var props)) continue;
            foreach (var p in props.EnumerateObject())
            {
                yield return (prefix + p.Name, p.Value);
                foreach (var child in Properties(p.Value, prefix + p.Name + ".")) yield return child;
            }
        }
    }

    private static IEnumerable<JsonElement> Branches(JsonElement node)
    {
        yield return node;
        if (node.TryGetProperty("oneOf", out var oneOf))
            foreach (var b in oneOf.EnumerateArray()) yield return b;
    }

    [Fact]
    public void Schema_and_parser_accept_the_same_key_paths()
    {
        var schemaKeys = Properties(Schema(), "").Select(p => p.Path).ToHashSet();
        var parserKeys = RecipeSchema.AllKeyPaths().ToHashSet();
        Assert.Equal(parserKeys.Except(schemaKeys).OrderBy(x => x), Array.Empty<string>());
        Assert.Equal(schemaKeys.Except(parserKeys).OrderBy(x => x), Array.Empty<string>());
    }

    [Fact]
    public void Every_schema_key_is_accepted_by_the_parser_without_an_unknown_key_error()
    {
        // Independent of RecipeSchema: write each schema path into a recipe and ask the parser.
        foreach (var (path, _) in Properties(Schema(), ""))
        {
            var parts = path.Split('.');
            var yaml = string.Join("\n", parts.Select((p, i) => new string(' ', 2 * i) + p + ":")) + " null\n";
            var result = RecipeParser.Parse(RecipePath, yaml);
            Assert.DoesNotContain(result.Diagnostics, d => d.Id == "SFT0002");
        }
        var bogus = RecipeParser.Parse(RecipePath, "training:\n  learning_rat: 1\n");
        Assert.Contains(bogus.Diagnostics, d => d.Id == "SFT0002");
    }

    [Theory]
    [InlineData("template.format")]
    [InlineData("mask.train_on")]
    [InlineData("data.format")]
    [InlineData("data.truncation")]
    [InlineData("training.lr_scheduler")]
    [InlineData("training.precision")]
    [InlineData("model.init.preset")]
    public void Schema_enums_match_the_parser(string path)
    {
        var node = Properties(Schema(), "").Single(p => p.Path == path).Node;
        var values = node.GetProperty("enum").EnumerateArray().Select(v => v.GetString()!).ToList();
        foreach (var v in values)
        {
            var parts = path.Split('.');
            var yaml = string.Join("\n", parts.Select((p, i) => new string(' ', 2 * i) + p + ":")) + " " + v + "\n";
            Assert.DoesNotContain(RecipeParser.Parse(RecipePath, yaml).Diagnostics, d => d.Id == "SFT0007");
        }
        var wrong = string.Join("\n", path.Split('.').Select((p, i) => new string(' ', 2 * i) + p + ":")) + " zzz\n";
        var unknown = Assert.Single(RecipeParser.Parse(RecipePath, wrong).Diagnostics, d => d.Id == "SFT0007");
        // Both ways: every value the parser lists is in the schema (an editor would otherwise flag a valid recipe).
        var listed = unknown.Message[(unknown.Message.LastIndexOf("Valid values: ", StringComparison.Ordinal) + "Valid values: ".Length)..].TrimEnd('.')
            .Split([", ", " or "], StringSplitOptions.RemoveEmptyEntries).Select(v => v.Trim('\'', '`')).ToList();
        Assert.Equal(listed.Order(StringComparer.Ordinal), values.Order(StringComparer.Ordinal));
    }
}
