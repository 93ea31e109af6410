using System.Text.Json.Nodes;
using DeclarativeSft.Cli.Tests.Infrastructure;

namespace DeclarativeSft.Cli.Tests.Commands;

/// <summary>
/// <c>sft tokenize</c> and <c>sft detokenize</c> run as a user runs them: ids compared with Hugging Face's
/// @huggingface/tokenizers on the same tokenizer.json, round trips, and bad lines reported as file:line.
/// </summary>
public class TokenizeCommandTests
{
    private static readonly string[] Texts =
    [
        "Hello world",
        "  def add(a, b):\n\treturn a + b\n",
        "Unicode: café, naïve, 日本語, emoji 👩‍💻, Ωμέγα, e\u0301",
        "<|im_start|>user\nspecial-looking text<|im_end|> <bos> <start_of_turn>",
        "numbers 1234567890 and punctuation!?... \"quoted\" 'single'",
        "   ",
    ];

    public static TheoryData<string> Models => new() { "qwen3", "llama3_1", "gemma3" };

    private static string TextsJsonl(TempFolder temp) =>
        temp.Write("texts.jsonl", string.Concat(Texts.Select(t => new JsonObject { ["text"] = t }.ToJsonString() + "\n")));

    private static int[][] Ids(string jsonl) =>
        jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonNode.Parse(l)!["ids"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray())
            .ToArray();

    private static string[] DecodedTexts(string jsonl) =>
        jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!["text"]!.GetValue<string>()).ToArray();

    private static string IdsJsonl(TempFolder temp, string name, IEnumerable<int[]> ids) =>
        temp.Write(name, string.Concat(ids.Select(i => new JsonObject { ["ids"] = new JsonArray(i.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()) }.ToJsonString() + "\n")));

    [Theory]
    [MemberData(nameof(Models))]
    public void Ids_equal_huggingface_tokenizers_with_and_without_special_tokens(string model)
    {
        using var temp = new TempFolder();
        string input = TextsJsonl(temp);
        string tokenizer = NodeOracle.TokenizerDir(model);

        var plain = Sft.Run("tokenize", "--tokenizer", tokenizer, "--input", input);
        var special = Sft.Run("tokenize", "--tokenizer", tokenizer, "--input", input, "--add-special-tokens");

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.True(special.ExitCode == 0, special.ToString());
        var oracle = HfJsOracle.Tokenize(tokenizer, Texts, []);
        var ours = Ids(plain.Stdout);
        var oursSpecial = Ids(special.Stdout);
        Assert.Equal(Texts.Length, ours.Length);
        Assert.Equal(Texts.Length, oursSpecial.Length);
        for (int i = 0; i < Texts.Length; i++)
        {
            Assert.True(oracle.Plain[i].SequenceEqual(ours[i]),
                $"{model} line {i + 1} without special tokens:\n  hf:  [{string.Join(",", oracle.Plain[i])}]\n  sft: [{string.Join(",", ours[i])}]");
            Assert.True(oracle.Special[i].SequenceEqual(oursSpecial[i]),
                $"{model} line {i + 1} with special tokens:\n  hf:  [{string.Join(",", oracle.Special[i])}]\n  sft: [{string.Join(",", oursSpecial[i])}]");
        }
        Sft.AssertNoStackTrace(plain);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Detokenize_equals_huggingface_decode_and_round_trips(string model)
    {
        using var temp = new TempFolder();
        string tokenizer = NodeOracle.TokenizerDir(model);
        string ids = Path.Combine(temp.Path, "ids.jsonl");

        // tokenize --output, then detokenize that file: the pipeline a user runs.
        var tokenized = Sft.Run("tokenize", "--tokenizer", tokenizer, "--input", TextsJsonl(temp), "--add-special-tokens", "--output", ids);
        Assert.True(tokenized.ExitCode == 0, tokenized.ToString());
        var withSpecial = Sft.Run("detokenize", "--tokenizer", tokenizer, "--input", ids);
        var skipSpecial = Sft.Run("detokenize", "--tokenizer", tokenizer, "--input", ids, "--skip-special-tokens");
        Assert.True(withSpecial.ExitCode == 0, withSpecial.ToString());
        Assert.True(skipSpecial.ExitCode == 0, skipSpecial.ToString());

        var idLines = Ids(File.ReadAllText(ids));
        var oracle = HfJsOracle.Tokenize(tokenizer, [], idLines);
        Assert.Equal(oracle.Decoded, DecodedTexts(withSpecial.Stdout));
        Assert.Equal(oracle.DecodedSkip, DecodedTexts(skipSpecial.Stdout));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Detokenize_of_arbitrary_ids_equals_huggingface_decode(string model)
    {
        using var temp = new TempFolder();
        string tokenizer = NodeOracle.TokenizerDir(model);
        // Ids no text produced: byte-level pieces that are partial UTF-8 sequences, control and special tokens.
        int[][] lines = [Enumerable.Range(100, 300).ToArray(), [1, 2, 3, 0, 5, 6, 7, 8, 255, 256, 257, 1000, 30000], [], [13, 13, 220, 220]];
        string input = IdsJsonl(temp, "ids.jsonl", lines);

        var result = Sft.Run("detokenize", "--tokenizer", tokenizer, "--input", input);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(HfJsOracle.Tokenize(tokenizer, [], lines).Decoded, DecodedTexts(result.Stdout));
    }

    /// <summary>
    /// Texts that decode back to themselves: no special-token strings (skip_special_tokens would drop them) and no
    /// " 's"-like sequences (clean_up_tokenization_spaces rewrites them in llama3's decode, as transformers does), and
    /// no decomposed accents (qwen3's NFC normalizer composes them).
    /// </summary>
    private static readonly string[] RoundTripTexts =
    [
        "Hello world",
        "  def add(a, b):\n\treturn a + b\n",
        "Unicode: café, naïve, 日本語, emoji 👩‍💻, Ωμέγα",
        "tabs\tand\r\nCRLF, trailing spaces   ",
        "   ",
    ];

    [Theory]
    [MemberData(nameof(Models))]
    public void Tokenize_then_detokenize_gives_the_text_back(string model)
    {
        using var temp = new TempFolder();
        string tokenizer = NodeOracle.TokenizerDir(model);
        string input = temp.Write("texts.jsonl", string.Concat(RoundTripTexts.Select(t => new JsonObject { ["text"] = t }.ToJsonString() + "\n")));
        string ids = Path.Combine(temp.Path, "ids.jsonl");

        var tokenized = Sft.Run("tokenize", "--tokenizer", tokenizer, "--input", input, "--output", ids);
        Assert.True(tokenized.ExitCode == 0, tokenized.ToString());
        var detokenized = Sft.Run("detokenize", "--tokenizer", tokenizer, "--input", ids);
        Assert.True(detokenized.ExitCode == 0, detokenized.ToString());

        Assert.Equal(RoundTripTexts, DecodedTexts(detokenized.Stdout));
        Assert.Equal(RoundTripTexts.Length, Ids(File.ReadAllText(ids)).Count(l => l.Length > 0));
    }

    [Theory]
    [InlineData("tokenize", "{\"text\": \"fine\"}\n\n{\"text\": \"broken\n")]
    [InlineData("detokenize", "{\"ids\": [1, 2]}\n\n{\"ids\": [1, 2\n")]
    public void Invalid_json_line_is_reported_as_file_and_line_without_stack_trace(string command, string content)
    {
        using var temp = new TempFolder();
        string input = temp.Write("in.jsonl", content);

        var result = Sft.Run(command, "--tokenizer", NodeOracle.TokenizerDir("qwen3"), "--input", input);

        Assert.True(result.ExitCode != 0, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"{input}:3: error", line);
        Sft.AssertNoStackTrace(result);
    }

    [Theory]
    [InlineData("tokenize", "{\"text\": 42}\n", "text")]
    [InlineData("detokenize", "{\"ids\": [1, \"two\"]}\n", "ids")]
    [InlineData("detokenize", "{\"ids\": [1, 99999999]}\n", "99999999")]
    public void Wrong_shape_or_unknown_id_is_reported_as_file_and_line(string command, string content, string mentioned)
    {
        using var temp = new TempFolder();
        string input = temp.Write("in.jsonl", content);

        var result = Sft.Run(command, "--tokenizer", NodeOracle.TokenizerDir("llama3_1"), "--input", input);

        Assert.True(result.ExitCode != 0, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"{input}:1: error", line);
        Assert.Contains(mentioned, line);
        Sft.AssertNoStackTrace(result);
    }

    [Fact]
    public void Failed_tokenize_leaves_an_existing_output_file_untouched()
    {
        using var temp = new TempFolder();
        string input = temp.Write("in.jsonl", "{\"text\": \"a\"}\n{oops\n");
        string output = temp.Write("ids.jsonl", "previous\n");

        var result = Sft.Run("tokenize", "--tokenizer", NodeOracle.TokenizerDir("qwen3"), "--input", input, "--output", output);

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Equal("previous\n", File.ReadAllText(output));
        Assert.Equal(["ids.jsonl", "in.jsonl"], Directory.GetFiles(temp.Path).Select(f => Path.GetFileName(f)).Order().ToArray());
        Sft.AssertNoStackTrace(result);
    }

    [Fact]
    public void Missing_tokenizer_is_a_one_line_error_naming_it()
    {
        using var temp = new TempFolder();
        string missing = Path.Combine(temp.Path, "nowhere", "tokenizer.json");

        var result = Sft.Run("tokenize", "--tokenizer", missing, "--input", TextsJsonl(temp));

        Assert.True(result.ExitCode != 0, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Contains(missing, line);
        Sft.AssertNoStackTrace(result);
    }
}
