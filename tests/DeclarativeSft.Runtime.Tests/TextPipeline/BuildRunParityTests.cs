using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Recipes.Tests.Fixtures;
using DeclarativeSft.Runtime.Session;

namespace DeclarativeSft.Runtime.Tests.TextPipeline;

/// <summary>
/// The differential test of the text pipeline: mutated data files (the recipe tests' mutation corpus) go through the
/// build-time path (the generator's file check: AdditionalFiles text → DataFileCheck) and the run-time path (the
/// generated program's: files on disk → RecipeTextPipeline → DataPipeline.Prepare). Both must reject the same files
/// at the same line, and on the files both accept count the same trained tokens. (The run reads every line before it
/// labels any, so it stops at the first reading error, else at the first labeling error: the build's errors are
/// compared in that order.)
/// </summary>
public class BuildRunParityTests
{
    private static readonly string[] BaseLines =
    [
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"ok\"}]}",
        "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Name a colour.\"},{\"role\":\"assistant\",\"content\":\"Blue.\"}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Please tell me, in a few careful words, what the capital of France is and why\"},{\"role\":\"assistant\",\"content\":\"Paris.\"}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"},{\"role\":\"assistant\",\"content\":\"4\",\"train\":false},{\"role\":\"user\",\"content\":\"3+3?\"},{\"role\":\"assistant\",\"content\":\"6\"}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Write a long answer.\"},{\"role\":\"assistant\",\"content\":\"Here is a longer answer that goes on for a while, well past the end of a short row.\"}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"\\u00e9t\\u00e9 \\ud83d\\ude00\"},{\"role\":\"assistant\",\"content\":\"summer\"}]}",
    ];

    /// <summary>Recipes that cover the real tokenizer and the byte tokenizer, each truncation mode, named and Jinja templates.</summary>
    public static TheoryData<string, string> Recipes() => new()
    {
        { "tiny-chat, chatml, truncate", "model:\n  path: models/tiny\ntemplate:\n  format: chatml\ndata:\n  train: train.jsonl\n  max_seq_len: 24\n  truncation: truncate\n" },
        { "tiny-chat, from-tokenizer, drop, last_assistant", "model:\n  path: models/tiny\ntemplate:\n  format: from-tokenizer\nmask:\n  train_on: last_assistant\ndata:\n  train: train.jsonl\n  max_seq_len: 30\n  truncation: drop\n" },
        { "bytes, chatml, error, no train_eos", "model:\n  init: { preset: tiny, seed: 1 }\ntokenizer: builtin:bytes\nmask:\n  train_eos: false\ndata:\n  train: train.jsonl\n  max_seq_len: 200\n  truncation: error\n" },
    };

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Build_and_run_reject_the_same_lines_and_count_the_same_trained_tokens(string name, string recipeBody)
    {
        using var dir = new TempFolder();
        var model = Directory.CreateDirectory(dir["models/tiny"]).FullName;
        foreach (var file in new[] { "config.json", "tokenizer.json", "tokenizer_config.json" })
            File.Copy(Path.Combine(RepoPaths.Root, "recipes", "models", "tiny-chat", file), Path.Combine(model, file));
        var recipePath = dir["recipe.sft.yaml"];
        File.WriteAllText(recipePath, "name: parity\n" + recipeBody + "training:\n  epochs: 1\noutput:\n  dir: out\n");
        var parsed = RecipeParser.Parse(recipePath, File.ReadAllText(recipePath));
        Assert.True(parsed.Spec is not null, string.Join("\n", parsed.Diagnostics));
        var spec = parsed.Spec!;
        var dataRequirement = RecipeFileRequirements.For(parsed).Single(r => r.Kind == ReferencedFileKind.TrainData);

        var random = new Random(20261202);
        int accepted = 0, rejected = 0;
        for (int i = 0; i < 60; i++)
        {
            var text = i == 0 ? string.Join("\n", BaseLines) + "\n" : MutationCorpus.Mutate(string.Join("\n", BaseLines) + "\n", random, 1 + random.Next(3));
            File.WriteAllText(dataRequirement.Path, text); // UTF-8, as a user's editor writes it
            var build = BuildTime(spec, dataRequirement);
            var run = RunTime(spec);
            var context = $"{name}, mutation {i}:\n{text}\nbuild: {build}\nrun: {run}";
            Assert.True(build.FirstRejectedLine == run.FirstRejectedLine, context);
            if (run.FirstRejectedLine is null)
            {
                Assert.True(build.TrainedTokens == run.TrainedTokens, context);
                accepted++;
            }
            else rejected++;
        }
        // Both decisions must occur often, or the comparison proves little.
        Assert.True(accepted >= 10 && rejected >= 10, $"{name}: {accepted} accepted, {rejected} rejected");
    }

    private sealed record Decision(int? FirstRejectedLine, long TrainedTokens)
    {
        public override string ToString() => FirstRejectedLine is int l ? $"rejected at line {l}" : $"accepted, {TrainedTokens} trained tokens";
    }

    /// <summary>Errors of reading a line (DatasetReader), as opposed to rendering, masking and truncating it.</summary>
    private static readonly HashSet<string> ReadingErrors = ["SFT0021", "SFT0022", "SFT0023", "SFT0024"];

    /// <summary>What the generator does: the compiler hands it the file decoded as text; the check reads, renders,
    /// tokenizes, masks and judges every line. Line 0 stands for "no example at all" (reported at the recipe).</summary>
    private static Decision BuildTime(RecipeSpec spec, FileRequirement data)
    {
        var texts = new List<TokenizerFileText>();
        var (jsonPath, configPath) = RecipeFileRequirements.TokenizerPaths(spec);
        foreach (var path in new[] { jsonPath, configPath })
            if (path is not null && File.Exists(path)) texts.Add(TokenizerFileText.Of(path, File.ReadAllText(path)));
        var result = ReferencedFileCheck.Check(data, File.ReadAllText(data.Path), RecipeFileRequirements.TokenizerFilesFor(spec, texts));
        var errors = result.Diagnostics.Where(d => d.Severity == RecipeSeverity.Error).ToList();
        Assert.DoesNotContain(errors, d => d.Id == "SFT0035");
        if (errors.Count == 0) return new Decision(null, result.TrainedTokens);
        var inFile = errors.Where(d => d.FilePath == data.Path).ToList();
        var reading = inFile.Where(d => ReadingErrors.Contains(d.Id)).ToList();
        return new Decision((reading.Count > 0 ? reading : inFile).Select(d => (int?)d.Line).Min() ?? 0, -1);
    }

    /// <summary>What the generated program does before training.</summary>
    private static Decision RunTime(RecipeSpec spec)
    {
        try
        {
            var tokenizer = RecipeTextPipeline.CreateTokenizer(spec);
            var masker = new LossMasker(tokenizer, RecipeTextPipeline.CreateTemplate(spec, tokenizer), RecipeTextPipeline.MaskOptions(spec));
            var labeled = DataPipeline.Label(RecipeTextPipeline.DataOptions(spec, spec.Training.Seed, transform: null), masker);
            return new Decision(null, labeled.Train.Sum(e => (long)e.TrainedTokenCount));
        }
        catch (DataFormatException e)
        {
            return new Decision(e.Line, -1);
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("no examples", StringComparison.Ordinal))
        {
            return new Decision(0, -1);
        }
    }
}
