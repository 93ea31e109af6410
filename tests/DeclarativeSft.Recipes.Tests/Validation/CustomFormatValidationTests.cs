using DeclarativeSft.Recipes;
using static DeclarativeSft.Recipes.Tests.Fixtures.RecipeFixture;

namespace DeclarativeSft.Recipes.Tests.Validation;

/// <summary>
/// The build's view of <c>data.format: custom</c>: lines in the user's own layout, which only the recipe project's
/// data.transform (C#, not run by the build) makes conversations of. The build holds each line to exactly what the run's
/// reader checks before the transform sees it — one JSON value, UTF-8 — and says that is all it checked.
/// </summary>
public class CustomFormatValidationTests
{
    private static readonly ComponentCatalog Catalog = new(true, EquatableArray.Of(
        new ComponentCandidate("Tickets.TicketReader", "TicketReader", ComponentKinds.JsonLineTransform, null, null, false)));

    private static readonly string CustomRecipe = With("  format: messages\n", "  format: custom\n  transform: TicketReader\n");

    /// <summary>Ticket lines: none has the messages layout, some are not even objects.</summary>
    private static Dictionary<string, string> TicketFiles(params (int Line, string Text)[] replaced)
    {
        var lines = Enumerable.Range(0, 40).Select(i => i % 5 == 4 ? $"[\"q{i}\", \"a{i}\"]" : $"{{\"ticket\": {i}, \"question\": \"q{i}\", \"answer\": \"a{i}\"}}").ToArray();
        foreach (var (line, text) in replaced) lines[line - 1] = text;
        var files = Files();
        files[DataPath] = string.Join("\n", lines) + "\n";
        return files;
    }

    [Fact]
    public void Lines_of_any_JSON_shape_build_and_the_build_says_it_checked_them_only_as_JSON()
    {
        var diagnostics = Validate(CustomRecipe, TicketFiles(), Catalog);

        var d = Assert.Single(diagnostics);
        Assert.Equal(("SFT0078", RecipeSeverity.Info, RecipePath, 12), (d.Id, d.Severity, d.FilePath, d.Line));
        Assert.Contains("'TicketReader'", d.Message);
    }

    [Fact]
    public void A_line_that_is_not_JSON_or_holds_U_FFFD_is_an_error_at_its_line_and_column_as_the_run_reports_it()
    {
        const string broken = "{\"ticket\": 7, \"question\": }";
        var files = TicketFiles((8, broken), (20, "{\"question\": \"caf\uFFFD\"}"));

        var errors = Validate(CustomRecipe, files, Catalog).Where(d => d.Severity == RecipeSeverity.Error).ToList();

        Assert.Equal([("SFT0021", DataPath, 8, broken.IndexOf('}') + 1), ("SFT0044", DataPath, 20, "{\"question\": \"caf".Length + 1)],
            errors.Select(e => (e.Id, e.FilePath, e.Line, e.Column)));
        // The run's reader, on the same text, stops at the same place with the same words.
        var run = Assert.Throws<DeclarativeSft.Data.DataFormatException>(() => DeclarativeSft.Data.DatasetReader.JsonLine(broken, 0, broken.Length, DataPath, 8));
        Assert.Contains(run.Value!, errors[0].Message);
        Assert.Equal(errors[0].Column, run.Column);
    }

    [Fact]
    public void Custom_without_a_transform_is_an_error_at_data_format_naming_the_interface_to_implement()
    {
        var recipe = With("  format: messages\n", "  format: custom\n");

        var d = Assert.Single(Validate(recipe, TicketFiles(), Catalog), x => x.Severity == RecipeSeverity.Error);

        Assert.Equal(("SFT0005", RecipePath, 11, 11), (d.Id, d.FilePath, d.Line, d.Column));
        Assert.Contains("IJsonLineTransform", d.Message);
    }

    [Fact]
    public void Without_the_project_s_classes_sft_validate_says_the_same_as_the_build()
    {
        var atBuild = Validate(CustomRecipe, TicketFiles(), Catalog);
        var atValidate = Validate(CustomRecipe, TicketFiles(), components: null);

        Assert.Equal(atBuild, atValidate);
    }

    [Fact]
    public void The_same_lines_under_a_built_in_format_are_errors_so_the_custom_check_is_what_lets_them_through()
    {
        var recipe = With("  max_seq_len: 512\n", "  max_seq_len: 512\n  transform: UpperTransform\n");
        var catalog = new ComponentCatalog(true, EquatableArray.Of(new ComponentCandidate("Tickets.UpperTransform", "UpperTransform", ComponentKinds.Transform, null, null, false)));

        var errors = Validate(recipe, TicketFiles(), catalog).Where(d => d.Severity == RecipeSeverity.Error && d.FilePath == DataPath).ToList();

        Assert.Equal(DataFileCheck.MaxDiagnosticsPerFile, errors.Count); // every line is wrong as messages; the report stops at the cap
        Assert.All(errors, e => Assert.Contains(e.Id, new[] { "SFT0021", "SFT0022" }));
    }
}
