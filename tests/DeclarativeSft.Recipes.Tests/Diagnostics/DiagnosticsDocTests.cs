using System.Text;
using DeclarativeSft.Recipes;
using DeclarativeSft.Recipes.Tests.Fixtures;

namespace DeclarativeSft.Recipes.Tests.Diagnostics;

/// <summary>
/// docs/diagnostics.md lists every ID with its severity and a real example (produced by the position test cases).
/// The table is regenerated with SFT_UPDATE_EXPECTED=1; otherwise the test fails when it is out of date.
/// </summary>
public class DiagnosticsDocTests
{
    [Fact]
    public void Docs_table_lists_every_id_with_a_current_example()
    {
        var examples = new Dictionary<string, string>();
        foreach (var c in DiagnosticPositionTests.Cases().Select(o => (DiagnosticPositionTests.Case)o[0]))
        {
            var d = RecipeFixture.Validate(c.Recipe, c.Files, c.Components).First(x => x.Id == c.Id);
            examples.TryAdd(c.Id, $"{Path.GetFileName(d.FilePath)}({d.Line},{d.Column}): {d.Message}"); // the first case of an ID is its example
        }
        examples["SFT0035"] = "recipe.sft.yaml(1,1): " + RecipeDiagnostics.InternalError.At("x", SourcePosition.Start, "NullReferenceException: …").Message;
        // Reported by `sft lint` (dataset checks, severity set per check in data.quality); LintCommandTests assert them at their lines.
        string Lint(RecipeDiagnosticDescriptor d, string file, int line, params object[] args) =>
            $"(sft lint) {file}({line},1): " + d.At(file, new SourcePosition(line, 1), args).Message;
        examples["SFT0053"] = Lint(RecipeDiagnostics.DuplicateExample, "train.jsonl", 9, "is identical (after normalising case and whitespace) to", 2, "train.jsonl", "duplicates");
        examples["SFT0054"] = Lint(RecipeDiagnostics.FormatCollapse, "train.jsonl", 3, 11, "4, 8, 15, …");
        examples["SFT0055"] = Lint(RecipeDiagnostics.TemplateMarkerInContent, "train.jsonl", 4, 1, "user", "<|im_start|>", "a marker of the chatml template", "a turn that opens inside the message");
        examples["SFT0056"] = Lint(RecipeDiagnostics.SuspiciousContent, "train.jsonl", 5, 2, "assistant", "is empty or whitespace only", "An empty answer teaches the model to end the turn at once; write the answer or remove the example.");
        examples["SFT0057"] = Lint(RecipeDiagnostics.TruncationVictim, "train.jsonl", 6, 700, 512, "data.truncation: drop leaves it out of training");
        examples["SFT0058"] = Lint(RecipeDiagnostics.DatasetDistribution, "recipe.sft.yaml", 10, "train", "assistant responses cluster tightly: 90 % are 180–205 tokens (median 190)", "A model trained on it learns to stop near 190 tokens whatever the task; add shorter and longer answers.");
        examples["SFT0059"] = Lint(RecipeDiagnostics.InconsistentDataset, "train.jsonl", 7, "has a system message", 4980, 5000, "train", "Give every example the same layout, or let template.system supply the system prompt.");

        var sb = new StringBuilder();
        sb.Append("# Recipe diagnostics\n\n");
        sb.Append("Every problem a build (or `sft validate`) finds in a recipe, its model folder or its data files is one of\n");
        sb.Append("these, reported as `file(line,col): severity ID: message` at the YAML node (or the data file's line).\n");
        sb.Append("IDs are stable. Category: `").Append(RecipeDiagnostics.Category).Append("`. Each ID has a test asserting it and its line:col\n");
        sb.Append("(`tests/DeclarativeSft.Recipes.Tests/Diagnostics/DiagnosticPositionTests.cs`). Regenerate this file with\n");
        sb.Append("`SFT_UPDATE_EXPECTED=1 dotnet test tests/DeclarativeSft.Recipes.Tests`.\n\n");
        sb.Append("| ID | Severity | What | Example |\n|----|----------|------|---------|\n");
        foreach (var d in RecipeDiagnostics.All)
            sb.Append($"| <a id=\"{d.Id.ToLowerInvariant()}\"></a>{d.Id} | {d.Severity} | {d.Title} | {Escape(examples[d.Id])} |\n");

        var path = Path.Combine(RepoPaths.Root, "docs", "diagnostics.md");
        var actual = sb.ToString();
        if (Environment.GetEnvironmentVariable("SFT_UPDATE_EXPECTED") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path + ".tmp", actual);
            File.Move(path + ".tmp", path, overwrite: true);
        }
        Assert.True(File.Exists(path), $"{path} missing; run with SFT_UPDATE_EXPECTED=1");
        Assert.Equal(actual, File.ReadAllText(path).Replace("\r\n", "\n"));
    }

    private static string Escape(string s) => s.Replace("|", "\\|").Replace("\n", " ").Replace("<", "&lt;").Replace(">", "&gt;");
}
