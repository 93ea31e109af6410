using DeclarativeSft.Recipes;
using static DeclarativeSft.Recipes.Tests.Fixtures.RecipeFixture;

namespace DeclarativeSft.Recipes.Tests.Robustness;

/// <summary>
/// Thousands of random corruptions of valid recipes and data: the validator must only ever answer with
/// diagnostics (valid IDs, positions inside the file), never throw.
/// </summary>
public class MutationTests
{
    private static readonly string[] Garbage = { "\t", "\0", "{", "}", "[", "]", ":", "- ", "&a", "*a", "!!binary", "'", "\"", "#", "|", ">", "%", "@", "`", "\u00e9\u4e2d", "\ud83d\ude00", "\r", "---", "...", "? ", "<<: *a" };
    private static readonly string[] Values = { "99999999999999999999999", "-1", "1e999", ".nan", "-.inf", "null", "~", "[]", "{}", "[1, [2, [3]]]", "{a: {b: {c: 1}}}", "true", "0x1F", "\"\"", "''", "yes", "2.0e-4", "all-linear", "../../../../etc", "C:\\x" };

    [Fact]
    public void Random_mutations_of_valid_recipes_produce_only_diagnostics()
    {
        var random = new Random(20240601);
        var baseRecipes = new[] { Recipe, With("  path: ../models/m", "  init: { preset: tiny, seed: 1 }") + "tokenizer: builtin:bytes\n", With("  format: chatml", "  format: custom\n  tokens: { system: [a, b], user: [c, d], assistant: [e, f] }\n  add_special_tokens: true") };
        int withDiagnostics = 0;
        for (int i = 0; i < 3000; i++)
        {
            var text = Mutate(baseRecipes[i % baseRecipes.Length], random, 1 + random.Next(3));
            var files = Files(8);
            if (i % 7 == 0) files[DataPath] = Mutate(files[DataPath], random, 2);
            if (i % 11 == 0) files[ConfigPath] = Mutate(Config, random, 1);
            IReadOnlyList<RecipeDiagnostic> diagnostics;
            try
            {
                diagnostics = Validate(text, files);
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"mutation {i} threw {ex.GetType().Name}: {ex.Message}\n--- recipe ---\n{text}");
            }
            foreach (var d in diagnostics)
            {
                Assert.Matches("^SFT00[0-9][0-9]$", d.Id);
                Assert.True(d.Line >= 1 && d.Column >= 1, $"bad position {d}");
                Assert.NotEqual("SFT0035", d.Id); // an internal error is a bug, even when caught
            }
            if (diagnostics.Count > 0) withDiagnostics++;
        }
        // The mutations must actually break things most of the time, or this test proves nothing.
        Assert.True(withDiagnostics > 1500, $"only {withDiagnostics} of 3000 mutations were diagnosed");
    }

    [Fact]
    public void Deep_nesting_and_huge_inputs_are_diagnosed()
    {
        var deep = new string('[', 5000) + new string(']', 5000);
        foreach (var text in new[] { "name: " + deep, "name: x\nmodel: " + string.Concat(Enumerable.Repeat("{a: ", 3000)) + "1" + new string('}', 3000), new string('\t', 10000), "\0\0\0" })
        {
            var diagnostics = Validate(text, Files());
            Assert.NotEmpty(diagnostics);
        }
        var deepJson = new string('[', 100000);
        var files = Files();
        files[DataPath] = deepJson + "\n";
        Assert.Contains(Validate(Recipe, files), d => d.Id == "SFT0021");
    }

    private static string Mutate(string text, Random random, int count)
    {
        for (int n = 0; n < count; n++)
        {
            var lines = text.Split('\n').ToList();
            int at = random.Next(lines.Count);
            switch (random.Next(8))
            {
                case 0: lines.RemoveAt(at); break;
                case 1: lines.Insert(at, lines[random.Next(lines.Count)]); break;
                case 2: // swap a value for one of another type
                    int colon = lines[at].IndexOf(':');
                    if (colon > 0) lines[at] = lines[at].Substring(0, colon + 1) + " " + Values[random.Next(Values.Length)];
                    break;
                case 3: // garbage bytes at a random column
                    int col = random.Next(lines[at].Length + 1);
                    lines[at] = lines[at].Insert(col, Garbage[random.Next(Garbage.Length)]);
                    break;
                case 4: lines[at] = "\t" + lines[at]; break;
                case 5: lines[at] = new string(' ', random.Next(1, 6)) + lines[at]; break;
                case 6: // deep nesting
                    int depth = random.Next(10, 200);
                    lines.Insert(at, "deep: " + new string('[', depth) + new string(']', depth));
                    break;
                default: // truncate the line
                    if (lines[at].Length > 0) lines[at] = lines[at].Substring(0, random.Next(lines[at].Length));
                    break;
            }
            text = string.Join("\n", lines);
        }
        return text;
    }
}
