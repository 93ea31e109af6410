using DeclarativeSft.Recipes;
using static DeclarativeSft.Recipes.Tests.Fixtures.RecipeFixture;
using static DeclarativeSft.Recipes.Tests.Fixtures.MutationCorpus;

namespace DeclarativeSft.Recipes.Tests.Robustness;

/// <summary>
/// Thousands of random corruptions of valid recipes and data: the validator must only ever answer with
/// diagnostics (valid IDs, positions inside the file), never throw.
/// </summary>
public class MutationTests
{
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
}
