// Data validation cost of a 100k-line JSONL, as a build would pay it: RecipeValidator over the recipe plus its data,
// against a reference of System.Text.Json merely parsing the same lines (no checks). One run, ratio on the last line.
// Usage: dotnet run -c Release --project bench/DeclarativeSft.Bench -- data-validation [lines]
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using DeclarativeSft.Recipes;

namespace DeclarativeSft.Bench;

internal static class DataValidationBenchmark
{
    public static int Run(string[] args)
    {
        int lines = args.Length > 0 ? int.Parse(args[0]) : 100_000;
        var root = Path.Combine(Path.GetTempPath(), "sft-bench-" + Environment.ProcessId);
        var recipePath = Path.Combine(root, "recipe.sft.yaml");
        var dataPath = Path.Combine(root, "data", "train.jsonl");
        var random = new Random(1);
        var sb = new StringBuilder();
        for (int i = 0; i < lines; i++)
        {
            var user = new string('u', 40 + random.Next(200));
            var answer = new string('a', 80 + random.Next(400));
            sb.Append("{\"messages\":[{\"role\":\"system\",\"content\":\"You are helpful.\"},{\"role\":\"user\",\"content\":\"")
              .Append(user).Append(" \\\"quoted\\\" \\u00e9\"},{\"role\":\"assistant\",\"content\":\"").Append(answer).Append("\"}]}\n");
        }
        var data = sb.ToString();
        var recipe = "name: bench\nmodel:\n  init: { preset: tiny, seed: 1 }\ntokenizer: builtin:bytes\ndata:\n  train: data/train.jsonl\n  validation: { split: 0.05 }\ntraining:\n  micro_batch_size: 8\n";
        var files = new InMemoryRecipeFiles(new Dictionary<string, string> { [recipePath] = recipe, [dataPath] = data });

        // Warm up both paths (JIT), then time each once on the full file.
        var warm = data.Substring(0, data.LastIndexOf('\n', Math.Min(data.Length - 1, 100_000)) + 1);
        RecipeValidator.Validate(recipePath, recipe, new InMemoryRecipeFiles(new Dictionary<string, string> { [dataPath] = warm }));
        ParseWithSystemTextJson(warm);

        var ours = Stopwatch.StartNew();
        var diagnostics = RecipeValidator.Validate(recipePath, recipe, files);
        ours.Stop();
        if (diagnostics.Count > 0) { Console.Error.WriteLine("unexpected diagnostics:\n" + string.Join("\n", diagnostics.Take(5))); return 1; }

        var reference = Stopwatch.StartNew();
        int parsed = ParseWithSystemTextJson(data);
        reference.Stop();

        Console.WriteLine($"lines: {lines}, size: {data.Length / 1e6:0.0} MB chars");
        Console.WriteLine($"RecipeValidator (parse recipe + check every line): {ours.Elapsed.TotalSeconds:0.000} s (budget 3 s)");
        Console.WriteLine($"System.Text.Json parse only ({parsed} lines):      {reference.Elapsed.TotalSeconds:0.000} s");
        Console.WriteLine($"ratio validator / STJ parse: {ours.Elapsed.TotalSeconds / reference.Elapsed.TotalSeconds:0.00}");
        return 0;
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
}
