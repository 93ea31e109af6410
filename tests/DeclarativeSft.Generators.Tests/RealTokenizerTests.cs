using DeclarativeSft.Generators.Tests.Infrastructure;
using DeclarativeSft.Recipes;
using Microsoft.CodeAnalysis;

namespace DeclarativeSft.Generators.Tests;

/// <summary>
/// The generator tokenizes, renders and masks the data with the run's own pipeline and a real tokenizer.json
/// (recipes/models/tiny-chat's, a byte-level BPE), and reports at the data line what training would do with it.
/// </summary>
public class RealTokenizerTests
{
    private static readonly string Root = OperatingSystem.IsWindows() ? @"C:\sft-real" : "/sft-real";
    private static string RecipePath => Path.Combine(Root, "r", "recipe.sft.yaml");
    private static string ModelDir => Path.Combine(Root, "models", "tiny");
    private static string DataPath => Path.Combine(Root, "r", "data", "train.jsonl");
    private static string OtherDataPath => Path.Combine(Root, "r", "data", "val.jsonl");

    /// <summary>Markers that are single tokens of tiny-chat: the rendering is open + content + close per turn, so a
    /// short exchange fits in 8 tokens and a long question does not.</summary>
    public static string RecipeWith(string truncation, int maxSeqLen = 8, bool validation = false) =>
        "name: real\n" +
        "model:\n" +
        "  path: ../models/tiny\n" +
        "template:\n" +
        "  format: custom\n" +
        "  tokens: { system: [\"<|im_start|>\", \"<|im_end|>\"], user: [\"<|im_start|>\", \"<|im_end|>\"], assistant: [\"<|im_start|>\", \"<|im_end|>\"] }\n" +
        "data:\n" +
        "  train: data/train.jsonl\n" +
        (validation ? "  validation: { path: data/val.jsonl }\n" : "") +
        $"  max_seq_len: {maxSeqLen}\n" +
        $"  truncation: {truncation}\n" +
        "training:\n" +
        "  epochs: 1\n" +
        "output:\n" +
        "  dir: out/real\n";

    public const string Short = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"ok\"}]}";
    /// <summary>A question far longer than 8 tokens: the answer starts after position 8.</summary>
    public const string LongQuestion = "{\"messages\":[{\"role\":\"user\",\"content\":\"Please tell me, in a few careful words, what the capital of France is\"},{\"role\":\"assistant\",\"content\":\"Paris\"}]}";

    public static string TinyChatFile(string name)
    {
        return File.ReadAllText(Path.Combine(RepoPaths.Recipes, "models", "tiny-chat", name));
    }

    private static List<AdditionalText> Inputs(string recipe, string data, string? tokenizerSuffix = null, string? otherData = null)
    {
        var files = new List<AdditionalText>
        {
            new InMemoryAdditionalText(RecipePath, recipe),
            new InMemoryAdditionalText(Path.Combine(ModelDir, "config.json"), TinyChatFile("config.json")),
            // A suffix of whitespace changes the content hash (not the tokenizer): the test's own cache entry.
            new InMemoryAdditionalText(Path.Combine(ModelDir, "tokenizer.json"), TinyChatFile("tokenizer.json") + (tokenizerSuffix ?? "")),
            new InMemoryAdditionalText(Path.Combine(ModelDir, "tokenizer_config.json"), TinyChatFile("tokenizer_config.json")),
            new InMemoryAdditionalText(DataPath, data),
        };
        if (otherData is not null) files.Add(new InMemoryAdditionalText(OtherDataPath, otherData));
        return files;
    }

    private static List<Diagnostic> Sft(IEnumerable<Diagnostic> diagnostics) => diagnostics.Where(d => d.Id.StartsWith("SFT", StringComparison.Ordinal)).ToList();

    [Fact]
    public void Example_longer_than_max_seq_len_with_truncation_error_is_an_error_at_its_data_line()
    {
        var (_, _, diagnostics) = GeneratorHarness.Run(Inputs(RecipeWith("error"), Short + "\n" + LongQuestion + "\n" + Short + "\n"));
        var errors = Sft(diagnostics).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var error = Assert.Single(errors);
        Assert.Equal("SFT0026", error.Id);
        var span = error.Location.GetLineSpan();
        Assert.Equal((DataPath, 1, 0), (span.Path, span.StartLinePosition.Line, span.StartLinePosition.Character)); // line 2, column 1
        Assert.Contains("over data.max_seq_len 8", error.GetMessage());
    }

    [Fact]
    public void Truncation_that_leaves_no_trained_token_is_a_warning_at_its_data_line()
    {
        var (_, _, diagnostics) = GeneratorHarness.Run(Inputs(RecipeWith("truncate"), Short + "\n" + LongQuestion + "\n" + Short + "\n"));
        Assert.DoesNotContain(Sft(diagnostics), d => d.Severity == DiagnosticSeverity.Error);
        var warning = Assert.Single(Sft(diagnostics), d => d.Id == "SFT0040");
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        var span = warning.Location.GetLineSpan();
        Assert.Equal((DataPath, 1), (span.Path, span.StartLinePosition.Line));
        Assert.Contains("no trained token left", warning.GetMessage());
    }

    [Fact]
    public void Dropped_examples_are_counted_with_their_first_lines()
    {
        var data = Short + "\n" + LongQuestion + "\n" + Short + "\n" + LongQuestion + "\n";
        var (_, _, diagnostics) = GeneratorHarness.Run(Inputs(RecipeWith("drop"), data));
        var warning = Assert.Single(Sft(diagnostics), d => d.Id == "SFT0041");
        Assert.Equal(1, warning.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Contains("2 example(s)", warning.GetMessage());
        Assert.Contains("line(s) 2, 4", warning.GetMessage());
    }

    [Fact]
    public void The_tokenizer_loads_once_and_editing_one_data_file_rechecks_only_that_file()
    {
        var suffix = "\n" + new string(' ', 7) + "\n"; // this test's own content hash
        var inputs = Inputs(RecipeWith("truncate", maxSeqLen: 64, validation: true), Short + "\n", suffix, Short + "\n" + Short + "\n");
        var hash = TokenizerFileText.HashOf(TinyChatFile("tokenizer.json") + suffix);
        var compilation = GeneratorHarness.Compilation();
        var driver = GeneratorHarness.Driver(inputs).RunGenerators(compilation);
        Assert.Empty(Sft(driver.GetRunResult().Diagnostics));
        Assert.Equal(1, TokenizerCache.LoadsOf(hash)); // two data files and the tokenizer's own check: one load

        var data = inputs.Single(t => t.Path == DataPath);
        driver = driver.ReplaceAdditionalText(data, new InMemoryAdditionalText(DataPath, Short + "\n" + Short + "\n")).RunGenerators(compilation);
        var steps = driver.GetRunResult().Results[0].TrackedSteps;
        Assert.All(steps[TrackingNames.AllTokenizerFiles].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"tokenizer files: {o.Reason}"));
        Assert.All(steps[TrackingNames.ParsedRecipes].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        var checks = steps[TrackingNames.FileChecks].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        // config.json, tokenizer.json, tokenizer_config.json, val.jsonl cached; train.jsonl re-checked.
        Assert.Equal(1, checks.Count(r => r is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New));
        Assert.Equal(4, checks.Count(r => r is IncrementalStepRunReason.Cached));
        Assert.Equal(1, TokenizerCache.LoadsOf(hash)); // still the one load
    }
}
