using System.Diagnostics;
using System.Text.RegularExpressions;
using DeclarativeSft.Recipes;

namespace DeclarativeSft.Generators.Tests;

/// <summary>
/// Builds a real recipe project with `dotnet build` through the repository's Directory.Build.targets (one build:
/// they are slow). The project opts in with IsRecipeProject and skips the training runtime, so this test does not
/// depend on the native torch build.
/// </summary>
public class EndToEndBuildTests
{
    private const string Recipe =
        "name: typo\n" +
        "model:\n" +
        "  init: { preset: tiny, seed: 1 }\n" +
        "tokenizer: builtin:bytes\n" +
        "data:\n" +
        "  train: data/train.jsonl\n" +
        "training:\n" +
        "  epochs: 1\n" +
        "  lerning_rate: 3.0e-4\n" +   // line 9, column 3
        "output:\n" +
        "  dir: out/typo\n";

    [Fact]
    public void Misspelt_key_fails_dotnet_build_and_sft_validate_with_one_error_at_its_line_and_column()
    {
        using var temp = new RecipeProjectFolder("typo", withRuntime: false);
        var project = temp.Project;
        var recipePath = temp.Write("recipe.sft.yaml", Recipe);
        temp.Write("data/train.jsonl", EightChats);

        var (exit, output) = Run("dotnet", $"build \"{project}\" -nodeReuse:false -p:UseSharedCompilation=false -clp:NoSummary", project);
        Assert.NotEqual(0, exit);
        var errors = output.Split('\n').Where(l => Regex.IsMatch(l, @": error [A-Z]+[0-9]+")).Distinct().ToList();
        var error = Assert.Single(errors);
        Assert.Contains("recipe.sft.yaml(9,3): error SFT0002:", error);
        Assert.Contains("'learning_rate'", error);

        // sft validate runs the same validator over the same files (ValidateCommand is a thin wrapper).
        var diagnostics = RecipeValidator.Validate(recipePath, new DiskRecipeFiles());
        var d = Assert.Single(diagnostics, x => x.Severity == RecipeSeverity.Error);
        Assert.Equal(("SFT0002", 9, 3), (d.Id, d.Line, d.Column));
        Assert.StartsWith($"{recipePath}(9,3): error SFT0002: ", d.ToString());
    }

    [Fact]
    public void Evaluator_named_in_the_recipe_is_checked_against_the_projects_own_class_in_dotnet_build()
    {
        using var temp = new RecipeProjectFolder("scored", withRuntime: true);
        var project = temp.Project;
        temp.Write("AnswerLengthEvaluator.cs", """
            using DeclarativeSft.Runtime.Components;
            namespace Scored;
            public sealed class AnswerLengthEvaluator : IEvaluator
            {
                public bool NeedsAnswers => true;
                public IReadOnlyList<EvaluationMetric> Score(EvaluationInput input) =>
                    [new("mean answer length", input.Answers?.Items.Average(a => a.Completion.Length), "0.0")];
            }
            """);
        var recipePath = Path.Combine(project, "recipe.sft.yaml");
        temp.Write("data/train.jsonl", EightChats);
        string RecipeNaming(string evaluator) => Recipe.Replace("name: typo", "name: scored").Replace("  lerning_rate:", "  learning_rate:")
            .Replace("out/typo", "out/scored") + $"eval:\n  evaluators: [validation_loss, {evaluator}]\n"; // line 13
        File.WriteAllText(recipePath, RecipeNaming("AnswerLenghtEvaluator"));

        var (exit, output) = Run("dotnet", $"build \"{project}\" -nodeReuse:false -p:UseSharedCompilation=false -clp:NoSummary", project);
        Assert.NotEqual(0, exit);
        var errors = output.Split('\n').Where(l => Regex.IsMatch(l, @": error [A-Z]+[0-9]+")).Distinct().ToList();
        var error = Assert.Single(errors);
        Assert.Contains("recipe.sft.yaml(13,33): error SFT0070:", error);
        Assert.Contains("Did you mean 'AnswerLengthEvaluator'?", error);

        // Spelt right, the generated program constructs the class: the build is clean.
        File.WriteAllText(recipePath, RecipeNaming("AnswerLengthEvaluator"));
        (exit, output) = Run("dotnet", $"build \"{project}\" -nodeReuse:false -p:UseSharedCompilation=false", project);
        Assert.True(exit == 0, output);
        Assert.Contains("0 Warning(s)", output);
    }

    [Fact]
    public void Real_tokenizer_over_max_seq_len_fails_dotnet_build_at_the_data_line_and_truncate_warns_there()
    {
        using var temp = new RecipeProjectFolder("real", withRuntime: false);
        var project = temp.Project;
        // The model folder without weights: the build reads config.json and the tokenizer files only.
        var model = Path.Combine(temp.Root, "models", "tiny");
        Directory.CreateDirectory(model);
        foreach (var name in new[] { "config.json", "tokenizer.json", "tokenizer_config.json" })
            File.Copy(Path.Combine(RepoPaths.Recipes, "models", "tiny-chat", name), Path.Combine(model, name));
        var recipePath = Path.Combine(project, "recipe.sft.yaml");
        var dataPath = Path.Combine(project, "data", "train.jsonl");
        File.WriteAllText(dataPath, RealTokenizerTests.Short + "\n" + RealTokenizerTests.LongQuestion + "\n" + RealTokenizerTests.Short.Replace("\"ok\"", "\"fine\"") + "\n");

        File.WriteAllText(recipePath, RealTokenizerTests.RecipeWith("error"));
        var (exit, output) = Run("dotnet", $"build \"{project}\" -nodeReuse:false -p:UseSharedCompilation=false -clp:NoSummary", project);
        Assert.NotEqual(0, exit);
        Assert.DoesNotMatch(@"warning (CS8784|AD0001|CS8032)", output); // every analyzer library loaded, nothing threw
        var errors = output.Split('\n').Where(l => Regex.IsMatch(l, @": error [A-Z]+[0-9]+")).Select(l => l.Trim()).Distinct().ToList();
        Assert.True(errors.Count == 1, string.Join("\n", errors));
        Assert.Contains("train.jsonl(2,1): error SFT0026:", errors[0]);
        var validated = Assert.Single(RecipeValidator.Validate(recipePath, new DiskRecipeFiles()), x => x.Severity == RecipeSeverity.Error);
        Assert.Equal(("SFT0026", dataPath, 2, 1), (validated.Id, validated.FilePath, validated.Line, validated.Column));

        File.WriteAllText(recipePath, RealTokenizerTests.RecipeWith("truncate"));
        (exit, output) = Run("dotnet", $"build \"{project}\" -nodeReuse:false -p:UseSharedCompilation=false -clp:NoSummary", project);
        Assert.True(exit == 0, output);
        Assert.DoesNotMatch(@"warning (CS8784|AD0001|CS8032)", output);
        var warnings = output.Split('\n').Where(l => l.Contains("warning SFT")).Select(l => l.Trim()).Distinct().ToList();
        Assert.True(warnings.Count == 1, string.Join("\n", warnings));
        Assert.Contains("train.jsonl(2,1): warning SFT0040:", warnings[0]);
        Assert.Contains("no trained token left", warnings[0]);
    }

    [Fact]
    public void Data_file_that_is_a_device_or_a_named_pipe_is_an_error_at_its_yaml_line_not_a_build_that_reads_forever()
    {
        if (!OperatingSystem.IsLinux()) return; // /dev/zero and mkfifo: the Linux case the issue reproduces
        using var temp = new RecipeProjectFolder("device", withRuntime: false);
        var project = temp.Project;
        var fifo = Path.Combine(project, "data", "pipe.jsonl");
        var (made, why) = Run("mkfifo", $"\"{fifo}\"", project);
        Assert.True(made == 0, why);
        var recipePath = temp.Write("recipe.sft.yaml", Recipe.Replace("  lerning_rate:", "  learning_rate:")
            .Replace("  train: data/train.jsonl\n", "  train:\n    - { path: /dev/zero, weight: 1 }\n    - { path: data/pipe.jsonl, weight: 1 }\n"));

        // Before: the inputs step handed /dev/zero to the compiler (and to the content hash), which read it forever.
        var (exit, output) = Run("dotnet", $"build \"{project}\" -nodeReuse:false -p:UseSharedCompilation=false -clp:NoSummary", project);
        Assert.NotEqual(0, exit);
        var errors = output.Split('\n').Where(l => Regex.IsMatch(l, @": error [A-Z]+[0-9]+")).Select(l => l.Trim()).Distinct().ToList();
        Assert.True(errors.Count == 2, string.Join("\n", errors));
        Assert.True(errors.Any(e => e.Contains("recipe.sft.yaml(7,15): error SFT0047:") && e.Contains("'/dev/zero' is a character device")), string.Join("\n", errors));
        Assert.True(errors.Any(e => e.Contains("recipe.sft.yaml(8,15): error SFT0047:") && e.Contains("is a named pipe")), string.Join("\n", errors));

        // sft validate: the same two errors, and it returns rather than blocking on the pipe.
        var validated = RecipeValidator.Validate(recipePath, new DiskRecipeFiles()).Where(d => d.Severity == RecipeSeverity.Error)
            .Select(d => (d.Id, d.Line, d.Column)).ToList();
        Assert.Equal([("SFT0047", 7, 15), ("SFT0047", 8, 15)], validated);
    }

    [Fact]
    public void Dataset_findings_appear_in_dotnet_build_at_the_data_line_with_the_severity_data_quality_sets()
    {
        using var temp = new RecipeProjectFolder("quality", withRuntime: false);
        var project = temp.Project;
        string Chat(string user, string assistant) => $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"{user}\"}},{{\"role\":\"assistant\",\"content\":\"{assistant}\"}}]}}\n";
        // Line 6 repeats line 2 (case and spacing aside); the rest are distinct.
        var lines = new[]
        {
            Chat("What is 2 plus 2?", "Four."), Chat("Name a colour.", "Red is a colour."), Chat("Name a fruit.", "A pear."),
            Chat("Spell cat.", "C, A, T."), Chat("Count to three.", "One, two, three."), Chat("name a  COLOUR.", "Red is a colour."),
            Chat("Say hello.", "Hello there."), Chat("What is the opposite of up?", "Down."),
        };
        temp.Write("data/train.jsonl", string.Concat(lines));
        var recipe = Recipe.Replace("name: typo", "name: quality").Replace("  lerning_rate:", "  learning_rate:").Replace("out/typo", "out/quality");
        string Build()
        {
            var (_, output) = Run("dotnet", $"build \"{project}\" -nodeReuse:false -p:UseSharedCompilation=false -clp:NoSummary", project);
            return output;
        }

        temp.Write("recipe.sft.yaml", recipe);
        var output = Build();
        var findings = output.Split('\n').Where(l => Regex.IsMatch(l, @": (warning|error) SFT005[3-9]")).Select(l => l.Trim()).Distinct().ToList();
        Assert.True(findings.Count == 1, output);
        Assert.Contains("train.jsonl(6,1): warning SFT0053:", findings[0]);
        Assert.Contains("identical (after normalising case and whitespace) to line 2 of train.jsonl", findings[0]);

        temp.Write("recipe.sft.yaml", recipe.Replace("  train: data/train.jsonl\n", "  train: data/train.jsonl\n  quality: { duplicates: error }\n"));
        output = Build();
        var errors = output.Split('\n').Where(l => Regex.IsMatch(l, @": error [A-Z]+[0-9]+")).Select(l => l.Trim()).Distinct().ToList();
        var error = Assert.Single(errors);
        Assert.Contains("train.jsonl(6,1): error SFT0053:", error);

        temp.Write("recipe.sft.yaml", recipe.Replace("  train: data/train.jsonl\n", "  train: data/train.jsonl\n  quality: { duplicates: off }\n"));
        output = Build();
        Assert.DoesNotMatch(@"(warning|error) SFT005[3-9]", output);
        Assert.Contains("0 Error(s)", Run("dotnet", $"build \"{project}\" -nodeReuse:false -p:UseSharedCompilation=false", project).Output);
    }

    [Fact]
    public void Invalid_utf8_in_a_data_file_fails_dotnet_build_at_its_line_and_column_and_the_run_stops_there()
    {
        using var temp = new RecipeProjectFolder("latin1", withRuntime: false);
        var project = temp.Project;
        temp.Write("recipe.sft.yaml", Recipe.Replace("name: typo", "name: latin1").Replace("  lerning_rate:", "  learning_rate:").Replace("out/typo", "out/latin1"));
        // Line 3 says "café" in Latin-1: the byte 0xE9 is not UTF-8 (before: a warning, and a build that succeeded).
        var lines = EightChats.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int at = lines[2].IndexOf("hi 2", StringComparison.Ordinal);
        int column = at + "caf".Length + 1;
        var bytes = new List<byte>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (i == 2)
            {
                bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(lines[i][..at] + "caf"));
                bytes.Add(0xE9);
                bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(lines[i][(at + "hi 2".Length)..]));
            }
            else bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(lines[i]));
            bytes.Add((byte)'\n');
        }
        var dataPath = Path.Combine(project, "data", "train.jsonl");
        File.WriteAllBytes(dataPath, bytes.ToArray());

        var (exit, output) = Run("dotnet", $"build \"{project}\" -nodeReuse:false -p:UseSharedCompilation=false -clp:NoSummary", project);
        Assert.NotEqual(0, exit);
        var errors = output.Split('\n').Where(l => Regex.IsMatch(l, @": error [A-Z]+[0-9]+")).Select(l => l.Trim()).Distinct().ToList();
        var error = Assert.Single(errors);
        Assert.Contains($"train.jsonl(3,{column}): error SFT0044:", error);
        Assert.Contains("not valid UTF-8", error);

        // sft validate reports the same, and the run's reader stops at the same line and column.
        var validated = Assert.Single(RecipeValidator.Validate(Path.Combine(project, "recipe.sft.yaml"), new DiskRecipeFiles()), d => d.Severity == RecipeSeverity.Error);
        Assert.Equal(("SFT0044", dataPath, 3, column), (validated.Id, validated.FilePath, validated.Line, validated.Column));
        var run = Assert.Throws<DeclarativeSft.Data.DataFormatException>(() => DeclarativeSft.Data.DatasetReader.ReadFile(dataPath, DeclarativeSft.Data.DatasetFormat.Messages));
        Assert.Equal((3, column), (run.Line, run.Column));
        Assert.Contains("0xE9", run.Message);
    }

    private static readonly string EightChats =
        string.Concat(Enumerable.Range(0, 8).Select(i => $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"hi {i}\"}},{{\"role\":\"assistant\",\"content\":\"hello{new string('!', i)}\"}}]}}\n"));

    /// <summary>A recipe project in a temporary folder, wired to this checkout's Directory.Build.props/targets (the
    /// SDK from source), with or without the training runtime; deleted on dispose.</summary>
    private sealed class RecipeProjectFolder : IDisposable
    {
        private readonly TempFolder _temp = new("sft-e2e-");
        public string Root => _temp.Path;
        public string Project { get; }

        public RecipeProjectFolder(string name, bool withRuntime)
        {
            var repo = RepoPaths.Root;
            File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), $"<Project><Import Project=\"{repo}/Directory.Build.props\" /></Project>");
            File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), $"<Project><Import Project=\"{repo}/Directory.Build.targets\" /></Project>");
            Project = Path.Combine(Root, name);
            Directory.CreateDirectory(Path.Combine(Project, "data"));
            File.WriteAllText(Path.Combine(Project, name + ".csproj"),
                "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework><OutputType>Exe</OutputType>" +
                $"<IsRecipeProject>true</IsRecipeProject>{(withRuntime ? "" : "<RecipeReferenceRuntime>false</RecipeReferenceRuntime>")}</PropertyGroup></Project>");
        }

        /// <summary>Writes <paramref name="text"/> to <paramref name="relative"/> in the project; returns its path.</summary>
        public string Write(string relative, string text)
        {
            var path = Path.Combine(Project, relative);
            File.WriteAllText(path, text);
            return path;
        }

        public void Dispose() => _temp.Dispose();
    }

    private static (int Exit, string Output) Run(string file, string args, string cwd)
    {
        var psi = new ProcessStartInfo(file, args) { WorkingDirectory = cwd };
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["MSBUILDNOINPROCNODE"] = "1";
        var result = ChildProcess.Run(psi, TimeSpan.FromMinutes(5));
        return (result.ExitCode, result.Output);
    }
}
