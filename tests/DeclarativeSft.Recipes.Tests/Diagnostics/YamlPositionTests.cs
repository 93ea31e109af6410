using DeclarativeSft.Recipes;
using static DeclarativeSft.Recipes.Tests.Fixtures.RecipeFixture;

namespace DeclarativeSft.Recipes.Tests.Diagnostics;

/// <summary>
/// Positions of YAML mistakes (issue 10, item 7): an unclosed bracket is reported where it opens (and where the
/// parser gave up), in our own words; a tab indent at its line and column; a missing required key at its parent key.
/// </summary>
public class YamlPositionTests
{
    private static RecipeDiagnostic Single(string recipe, string id)
    {
        var diagnostics = Validate(recipe, Files());
        var match = diagnostics.Where(d => d.Id == id).ToList();
        Assert.True(match.Count == 1, $"expected one {id}; got:\n{string.Join("\n", diagnostics)}");
        return match[0];
    }

    [Theory]
    // line 17 is "  target_modules: [q_proj, v_proj]"; the '[' is at column 19.
    [InlineData("  target_modules: [q_proj, v_proj]", "  target_modules: [q_proj, v_proj", 17, 19, '[')]
    [InlineData("  target_modules: [q_proj, v_proj]", "  target_modules: [q_proj, [v_proj]", 17, 19, '[')]
    // line 12 is "  validation: { split: 0.1 }"; the '{' is at column 15.
    [InlineData("  validation: { split: 0.1 }", "  validation: { split: 0.1", 12, 15, '{')]
    [InlineData("  validation: { split: 0.1 }", "  validation: { split: [0.1 }", 12, 24, '[')]
    public void An_unclosed_bracket_is_reported_where_it_opens(string oldText, string newText, int line, int column, char bracket)
    {
        var d = Single(With(oldText, newText), "SFT0001");
        Assert.True((RecipePath, line, column) == (d.FilePath, d.Line, d.Column), d.ToString());
        Assert.DoesNotContain("Operation is not valid", d.Message);
        Assert.Contains($"'{bracket}'", d.Message);
        Assert.Contains("never closed", d.Message);
        Assert.Contains("line ", d.Message); // where the parser gave up
    }

    [Fact]
    public void An_unclosed_bracket_at_the_end_of_the_file_is_reported_where_it_opens()
    {
        var recipe = Recipe + "extra: [a, b\n";
        var d = Single(recipe, "SFT0001");
        Assert.True((26, 8) == (d.Line, d.Column), d.ToString());
        Assert.DoesNotContain("Operation is not valid", d.Message);
        Assert.Contains("'['", d.Message);
    }

    [Theory]
    [InlineData("  r: 8", "\tr: 8", 15, 1)]
    [InlineData("  epochs: 2", "  \tepochs: 2", 19, 3)]
    [InlineData("  micro_batch_size: 2", " \t micro_batch_size: 2", 20, 2)]
    public void A_tab_indent_is_reported_at_its_line_and_column(string oldText, string newText, int line, int column)
    {
        var d = Single(With(oldText, newText), "SFT0001");
        Assert.True((RecipePath, line, column) == (d.FilePath, d.Line, d.Column), d.ToString());
        Assert.Contains("tab", d.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("spaces", d.Message);
    }

    [Theory]
    [InlineData("  train: data/train.jsonl\n", "", "train", 9, 1)]
    [InlineData("  path: ../models/m\n", "  trust_remote_code: false\n", "path", 2, 1)]
    public void A_missing_required_key_is_reported_at_its_parent_key(string oldText, string newText, string key, int line, int column)
    {
        var recipe = With(oldText, newText);
        var diagnostics = Validate(recipe, Files());
        var d = diagnostics.FirstOrDefault(x => x.Id == "SFT0005" && x.Message.Contains($"'{key}'"));
        Assert.True(d is not null, string.Join("\n", diagnostics));
        Assert.True((line, column) == (d!.Line, d.Column), d.ToString());
    }

    [Fact]
    public void A_missing_required_key_in_a_flow_mapping_is_reported_at_its_parent_key()
    {
        var d = Validate(With("  validation: { split: 0.1 }", "  validation: { }"), Files())
            .FirstOrDefault(x => x.Id == "SFT0005" && x.Message.Contains("'split'"));
        Assert.NotNull(d);
        Assert.True((12, 3) == (d!.Line, d.Column), d.ToString());
    }
}

/// <summary>Build-time side of issue 10, item 6: lone surrogate escapes, binary data files and JSON nesting.</summary>
public class DataTextBuildTests
{
    private static List<RecipeDiagnostic> WithData(string data) =>
        Validate(Recipe, new Dictionary<string, string>(Files()) { [DataPath] = data }).Where(d => d.Id == "SFT0021").ToList();

    [Theory]
    [InlineData("\\ud800", 40)]
    [InlineData("x\\udc00", 41)]
    [InlineData("\\ud83dx", 40)]
    public void A_lone_surrogate_escape_is_reported_at_its_line_and_column(string content, int column)
    {
        var d = Assert.Single(WithData(DataWithLine(2, Line.Replace("\"a\"", "\"" + content + "\""))));
        Assert.Equal((DataPath, 2, column), (d.FilePath, d.Line, d.Column));
        Assert.Contains("surrogate", d.Message);
    }

    [Fact]
    public void A_surrogate_pair_escape_is_fine()
    {
        Assert.Empty(WithData(DataWithLine(2, Line.Replace("\"a\"", "\"\\ud83d\\ude00\""))));
    }

    [Fact]
    public void A_binary_data_file_is_reported_as_binary()
    {
        var d = Assert.Single(WithData(Line + "\n" + "PK\u0003\u0004\0\0garbage"));
        Assert.Equal((DataPath, 2, 5), (d.FilePath, d.Line, d.Column));
        Assert.Contains("binary", d.Message);
        Assert.DoesNotContain("not found", d.Message);
    }

    [Fact]
    public void Json_nesting_limit_is_the_runtime_limit()
    {
        string Nested(int depth) => Line.Replace("\"b\"}", "\"b\",\"extra\":" + new string('[', depth) + new string(']', depth) + "}");
        Assert.Equal(256, DeclarativeSft.Data.Json.JsonReader.MaxDepth);
        Assert.Empty(WithData(DataWithLine(1, Nested(200))));
        Assert.Single(WithData(DataWithLine(1, Nested(300))));
    }
}
