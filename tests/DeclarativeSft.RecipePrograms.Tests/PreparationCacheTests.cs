using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Caching;
using DeclarativeSft.Runtime.Hosting;
using DeclarativeSft.Runtime.Session;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>
/// The preparation cache on the chat-lora recipe (a real tokenizer.json and Jinja chat template), with its data and
/// model folder copied so that files can be changed: an unchanged second session reads the cache and gets the same
/// rows; changing any one input gives a miss and rows prepared afresh.
/// </summary>
public class PreparationCacheTests
{
    public sealed class Setup : IDisposable
    {
        private readonly TempFolder _temp = new();
        public RecipeSpec Spec { get; }
        public string DataFile { get; }
        public string ModelDir { get; }
        public string Output => Path.Combine(_temp.Path, "out");

        public Setup()
        {
            var spec = ShippedRecipes.Load(ShippedRecipes.RecipePath("chat-lora"));
            ModelDir = Directory.CreateDirectory(Path.Combine(_temp.Path, "model")).FullName;
            foreach (var f in new[] { "config.json", "tokenizer.json", "tokenizer_config.json" })
                File.Copy(Path.Combine(spec.Model.Path!, f), Path.Combine(ModelDir, f));
            DataFile = Path.Combine(Directory.CreateDirectory(Path.Combine(_temp.Path, "data")).FullName, "chat.jsonl");
            File.Copy(spec.Data.Train[0].Path, DataFile);
            Spec = spec with
            {
                Model = spec.Model with { Path = ModelDir },
                Tokenizer = spec.Tokenizer with { Path = ModelDir },
                Data = spec.Data with { Train = EquatableArray.Of(spec.Data.Train[0] with { Path = DataFile }) },
            };
        }

        /// <summary>Prepares the data as a training run does; returns whether it came from the cache, and the rows.</summary>
        public (bool FromCache, PreparedData Data) Prepare(RecipeSpec? spec = null)
        {
            using var session = RecipeSession.Open(spec ?? Spec, new RecipeRunOptions(RecipeCommand.Train, Output: Output));
            var data = session.Data; // prepares (or reads) the data; DataFromCache is known only then
            return (session.DataFromCache, data);
        }

        public void Dispose() => _temp.Dispose();
    }

    private static List<int[]> Ids(PreparedData d) =>
        d.TrainRows.Select(r => r.InputIds).Concat(d.TrainRows.Select(r => r.Labels)).Concat(d.ValidationRows.Select(r => r.Labels)).ToList();

    [Fact]
    public void A_second_run_with_nothing_changed_reads_the_same_rows_from_the_cache()
    {
        using var s = new Setup();
        var first = s.Prepare();
        Assert.False(first.FromCache);
        var entry = Assert.Single(Directory.GetFiles(Path.Combine(s.Output, "cache")));
        var second = s.Prepare();
        Assert.True(second.FromCache);
        Assert.Equal(Ids(first.Data), Ids(second.Data));
        Assert.Equal(first.Data.Summary.TrainExamples, second.Data.Summary.TrainExamples);
        Assert.Equal(first.Data.Mix.Plan.Quotas, second.Data.Mix.Plan.Quotas);
        Assert.Equal(entry, Assert.Single(Directory.GetFiles(Path.Combine(s.Output, "cache"))));
        Assert.Empty(Directory.GetFiles(Path.Combine(s.Output, "cache"), "*.tmp"));
    }

    public static IEnumerable<object[]> Changes() => new (string Name, Func<Setup, RecipeSpec> Change)[]
    {
        ("data bytes", s => { File.AppendAllText(s.DataFile, File.ReadLines(s.DataFile).First() + "\n"); return s.Spec; }),
        ("a data line edited in place, same length and mtime", s =>
        {
            var time = File.GetLastWriteTimeUtc(s.DataFile);
            var text = File.ReadAllText(s.DataFile);
            int key = text.IndexOf("\"content\"", StringComparison.Ordinal);
            int at = text.IndexOf('"', text.IndexOf(':', key)) + 1; // first character of the first message's text
            File.WriteAllText(s.DataFile, text[..at] + (text[at] == 'X' ? 'Y' : 'X') + text[(at + 1)..]);
            File.SetLastWriteTimeUtc(s.DataFile, time);
            return s.Spec;
        }),
        ("tokenizer.json", s => { File.AppendAllText(Path.Combine(s.ModelDir, "tokenizer.json"), "\n"); return s.Spec; }),
        ("tokenizer_config.json (chat template)", s => { File.AppendAllText(Path.Combine(s.ModelDir, "tokenizer_config.json"), "\n"); return s.Spec; }),
        ("template.format", s => s.Spec with { Template = s.Spec.Template with { Format = TemplateFormat.ChatMl } }),
        ("template.system", s => s.Spec with { Template = s.Spec.Template with { System = "Be brief." } }),
        ("mask.train_on", s => s.Spec with { Mask = s.Spec.Mask with { TrainOn = LossMaskMode.LastAssistant } }),
        ("mask.train_eos", s => s.Spec with { Mask = s.Spec.Mask with { TrainEos = false } }),
        ("data.max_seq_len", s => s.Spec with { Data = s.Spec.Data with { MaxSeqLen = 200 } }),
        ("data.truncation", s => s.Spec with { Data = s.Spec.Data with { Truncation = TruncationMode.Truncate, MaxSeqLen = 64 } }),
        ("data.packing", s => s.Spec with { Data = s.Spec.Data with { Packing = true } }),
        ("data.validation.split", s => s.Spec with { Data = s.Spec.Data with { Validation = new ValidationSpec(0.2, null) } }),
        ("mixing (a second weighted source)", s =>
        {
            var general = Path.Combine(Path.GetDirectoryName(s.DataFile)!, "general.jsonl");
            File.WriteAllLines(general, File.ReadLines(s.DataFile).Take(40));
            return s.Spec with { Data = s.Spec.Data with { Train = EquatableArray.Of(s.Spec.Data.Train[0] with { Weight = 0.8 }, new DataSourceSpec(general, 0.2, "general")) } };
        }),
        ("training.seed", s => s.Spec with { Training = s.Spec.Training with { Seed = 7 } }),
    }.Select(c => new object[] { c.Name, c.Change });

    [Theory]
    [MemberData(nameof(Changes))]
    public void Changing_one_input_misses_the_cache_and_prepares_afresh(string input, Func<Setup, RecipeSpec> change)
    {
        using var s = new Setup();
        Assert.False(s.Prepare().FromCache);
        Assert.True(s.Prepare().FromCache);

        var changed = change(s);
        var after = s.Prepare(changed);
        Assert.False(after.FromCache, $"{input}: the cache was used although the input changed");
        // What was prepared equals a preparation without any cache, and the next run reads that from the cache.
        Environment.SetEnvironmentVariable("SFT_DATA_CACHE", "off");
        try { Assert.Equal(Ids(s.Prepare(changed).Data), Ids(after.Data)); }
        finally { Environment.SetEnvironmentVariable("SFT_DATA_CACHE", null); }
        Assert.True(s.Prepare(changed).FromCache, $"{input}: the new entry was not reused");
    }

    [Fact]
    public void A_truncated_or_foreign_cache_file_is_a_miss_not_an_error()
    {
        using var s = new Setup();
        var first = s.Prepare();
        var entry = Assert.Single(Directory.GetFiles(Path.Combine(s.Output, "cache")));
        var bytes = File.ReadAllBytes(entry);
        File.WriteAllBytes(entry, bytes[..(bytes.Length / 2)]);
        var again = s.Prepare();
        Assert.False(again.FromCache);
        Assert.Equal(Ids(first.Data), Ids(again.Data));
        File.WriteAllBytes(entry, [1, 2, 3]);
        Assert.False(s.Prepare().FromCache);
        Assert.True(s.Prepare().FromCache);
    }
}
