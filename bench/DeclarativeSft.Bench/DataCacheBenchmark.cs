// Data preparation of the default recipe (recipes/code-assistant: 5,000 chats, byte tokenizer, ChatML, packed rows)
// done afresh — read, render, tokenize, label, truncate, pack — against reading the same rows from the preparation
// cache (key over every input, including hashing the data file, plus the read). Alternating rounds in ONE run; the
// ratio is on the last line. Usage: dotnet run -c Release --project bench/DeclarativeSft.Bench -- data-cache [rounds]
using System.Diagnostics;
using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Caching;
using DeclarativeSft.Runtime.Session;

namespace DeclarativeSft.Bench;

internal static class DataCacheBenchmark
{
    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0]) : 5;
        var recipePath = Path.Combine(FindRoot(), "recipes", "code-assistant", "recipe.sft.yaml");
        var spec = RecipeParser.Parse(recipePath, File.ReadAllText(recipePath)).Spec ?? throw new InvalidOperationException($"{recipePath} does not parse");
        var tokenizer = RecipeTextPipeline.CreateTokenizer(spec);
        var masker = new LossMasker(tokenizer, RecipeTextPipeline.CreateTemplate(spec, tokenizer), RecipeTextPipeline.MaskOptions(spec));
        var options = RecipeTextPipeline.DataOptions(spec, spec.Training.Seed, transform: null);
        int pad = RecipeTextPipeline.PadTokenId(tokenizer);
        var folder = Path.Combine(Path.GetTempPath(), "sft-bench-cache-" + Environment.ProcessId);

        PreparedData Fresh() => DataPipeline.Prepare(options, masker, pad);
        PreparedData Cached() => PreparationCache.TryRead(folder, PreparationCache.Key(RecipeTextPipeline.PreparationInputs(spec, options, pad)), options, pad)
                                 ?? throw new InvalidOperationException("cache miss");
        var first = Fresh();
        PreparationCache.Write(folder, PreparationCache.Key(RecipeTextPipeline.PreparationInputs(spec, options, pad)), first);
        if (Cached().TrainRows.Count != first.TrainRows.Count) throw new InvalidOperationException("the cache gave other rows");

        var fresh = new List<double>();
        var cached = new List<double>();
        var loads = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            foreach (var hit in r % 2 == 0 ? new[] { false, true } : new[] { true, false })
            {
                loads.Add(LoadAverage());
                var clock = Stopwatch.StartNew();
                var data = hit ? Cached() : Fresh();
                (hit ? cached : fresh).Add(clock.Elapsed.TotalSeconds);
                GC.KeepAlive(data);
            }
        }
        Directory.Delete(folder, recursive: true);
        double Median(List<double> v) => v.OrderBy(x => x).ElementAt(v.Count / 2);
        Console.WriteLine($"prepare afresh: median {Median(fresh):0.000} s ({string.Join(", ", fresh.Select(x => x.ToString("0.000")))})");
        Console.WriteLine($"from the cache: median {Median(cached):0.000} s ({string.Join(", ", cached.Select(x => x.ToString("0.000")))})");
        Console.WriteLine($"{first.Summary.TrainExamples.Sum()} examples, {first.TrainRows.Count} rows; load average {loads.Min():0.0}-{loads.Max():0.0}; {rounds} rounds alternating");
        Console.WriteLine($"data_cache_time_ratio_vs_prepare={Median(cached) / Median(fresh):0.000}");
        return 0;
    }

    private static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : double.NaN;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeclarativeSft.sln"))) return dir.FullName;
        throw new InvalidOperationException("DeclarativeSft.sln not found");
    }
}
