using System.Diagnostics;
using System.Text.Json.Nodes;

namespace DeclarativeSft.Tokenizers.Tests;

/// <summary>
/// A hostile tokenizer.json (issue 10, item 11) fails at load, or on the text that triggers it, with an error naming
/// the file and what is wrong: pre-tokenizer regexes run with a timeout; absurd, duplicate or shared token ids are
/// load errors.
/// </summary>
public sealed class HostileTokenizerJsonTests : IDisposable
{
    private readonly TempFolder _temp = new("tok-hostile");

    public void Dispose() => _temp.Dispose();

    private string Write(JsonObject tokenizer)
    {
        string path = Path.Combine(_temp.Path, "tokenizer.json");
        File.WriteAllText(path, tokenizer.ToJsonString());
        return path;
    }

    private static JsonObject Tokenizer(JsonObject? vocab = null, JsonArray? added = null, JsonNode? preTokenizer = null, JsonNode? normalizer = null) => new()
    {
        ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab ?? new JsonObject { ["a"] = 0, ["b"] = 1, ["!"] = 2 }, ["merges"] = new JsonArray() },
        ["added_tokens"] = added ?? new JsonArray(),
        ["pre_tokenizer"] = preTokenizer,
        ["normalizer"] = normalizer,
    };

    private static JsonObject Added(int id, string content) => new() { ["id"] = id, ["content"] = content, ["special"] = true };

    private static T WithinSeconds<T>(Func<T> f, double seconds)
    {
        T result = default!;
        Exception? caught = null;
        var thread = new Thread(() => { try { result = f(); } catch (Exception e) { caught = e; } }) { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(seconds)), $"did not finish within {seconds} s");
        if (caught is not null) throw caught;
        return result;
    }

    [Fact]
    public void A_catastrophically_backtracking_split_regex_times_out_with_the_pattern_and_file()
    {
        const string pattern = "(a|aa)+$";
        var path = Write(Tokenizer(preTokenizer: new JsonObject
        {
            ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = pattern }, ["behavior"] = "Isolated", ["invert"] = false,
        }));
        var tokenizer = HfTokenizer.FromFile(path);
        Assert.Equal([0, 1], tokenizer.Encode("ab")); // normal text is unaffected
        var sw = Stopwatch.StartNew();
        var e = Assert.Throws<TokenizerLoadException>(() => WithinSeconds(() => tokenizer.Encode(new string('a', 200) + "!"), 30));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"took {sw.Elapsed}");
        Assert.Contains(path, e.Message);
        Assert.Contains(pattern, e.Message);
        Assert.Contains("pre-tokenizer", e.Message);
    }

    [Fact]
    public void A_catastrophically_backtracking_normalizer_regex_times_out_with_the_pattern_and_file()
    {
        const string pattern = "(a|aa)+$";
        var path = Write(Tokenizer(normalizer: new JsonObject
        {
            ["type"] = "Replace", ["pattern"] = new JsonObject { ["Regex"] = pattern }, ["content"] = "b",
        }));
        var tokenizer = HfTokenizer.FromFile(path);
        var e = Assert.Throws<TokenizerLoadException>(() => WithinSeconds(() => tokenizer.Encode(new string('a', 200) + "!"), 30));
        Assert.Contains(path, e.Message);
        Assert.Contains(pattern, e.Message);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(2_000_000_000)]
    [InlineData(16_777_216)]
    [InlineData(-1)]
    public void An_added_token_id_beyond_any_sane_vocabulary_is_a_load_error(int id)
    {
        var path = Write(Tokenizer(added: [Added(id, "<huge>")]));
        var e = Assert.Throws<TokenizerLoadException>(() => WithinSeconds(() => HfTokenizer.FromFile(path), 20));
        Assert.Contains(path, e.Message);
        Assert.Contains("<huge>", e.Message);
        Assert.Contains(id.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }

    [Fact]
    public void A_vocabulary_id_beyond_any_sane_vocabulary_is_a_load_error()
    {
        var path = Write(Tokenizer(vocab: new JsonObject { ["a"] = 0, ["b"] = int.MaxValue }));
        var e = Assert.Throws<TokenizerLoadException>(() => WithinSeconds(() => HfTokenizer.FromFile(path), 20));
        Assert.Contains(path, e.Message);
        Assert.Contains("\"b\"", e.Message);
    }

    [Fact]
    public void Two_added_tokens_with_one_id_are_a_load_error()
    {
        var path = Write(Tokenizer(added: [Added(3, "<x>"), Added(3, "<y>")]));
        var e = Assert.Throws<TokenizerLoadException>(() => HfTokenizer.FromFile(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("<x>", e.Message);
        Assert.Contains("<y>", e.Message);
    }

    [Fact]
    public void A_vocabulary_mapping_many_tokens_to_one_id_is_a_load_error()
    {
        var vocab = new JsonObject();
        for (int i = 0; i < 1000; i++) vocab["t" + i] = 7;
        var path = Write(Tokenizer(vocab: vocab));
        var e = Assert.Throws<TokenizerLoadException>(() => HfTokenizer.FromFile(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("id 7", e.Message);
    }

    [Fact]
    public void An_added_token_taking_another_tokens_vocabulary_id_is_a_load_error()
    {
        var path = Write(Tokenizer(added: [Added(1, "<x>")]));
        var e = Assert.Throws<TokenizerLoadException>(() => HfTokenizer.FromFile(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("\"b\"", e.Message);
    }

    [Fact]
    public void Added_tokens_repeating_their_vocabulary_entry_still_load()
    {
        // Llama/Gemma files list <s>, </s> … both in the vocabulary and in added_tokens, with the same id.
        var path = Write(Tokenizer(vocab: new JsonObject { ["<s>"] = 0, ["a"] = 1 }, added: [Added(0, "<s>"), Added(2, "<new>")]));
        var tokenizer = HfTokenizer.FromFile(path);
        Assert.Equal(3, tokenizer.VocabSize);
        Assert.Equal([0, 1, 2], tokenizer.Encode("<s>a<new>"));
    }
}
