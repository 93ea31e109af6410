using System.Text.Json;
using System.Text.Json.Nodes;
using DeclarativeSft.Cli.Tests.Infrastructure;

namespace DeclarativeSft.Cli.Tests.Commands;

/// <summary>
/// <c>sft render</c> run as a user runs it, compared with what Hugging Face's @huggingface/jinja renders from the
/// same tokenizer_config.json, and its handling of bad input lines.
/// </summary>
public class RenderCommandTests
{
    private static JsonObject M(string role, string content) => new() { ["role"] = role, ["content"] = content };

    /// <summary>Conversations every tested template accepts (system first, then user/assistant alternating).</summary>
    private static JsonArray Corpus() =>
    [
        new JsonArray(M("user", "Hello!")),
        new JsonArray(M("system", "You are a helpful assistant."), M("user", "What is 2+2?"), M("assistant", "4")),
        new JsonArray(M("user", "Name a colour."), M("assistant", "Blue."), M("user", "Another one?")),
        new JsonArray(M("system", "Réponds en français 🇫🇷."), M("user", "日本語で説明して。مرحبا é (e\u0301)"), M("assistant", "はい！🙂 “quotes” ‘single’")),
        // No leading blanks in assistant replies: Qwen3 strips them with str.lstrip('\n'), which @huggingface/jinja
        // treats as lstrip() (all whitespace) while Python keeps the spaces; sft follows Python (see the Jinja tests).
        new JsonArray(M("user", "  He said \"hi\".\nPath: C:\\temp\\new\n\n\tTab  "), M("assistant", "trailing spaces and newline  \n")),
        new JsonArray(M("user", "{{ not a tag }} {% neither %} <|im_start|> <start_of_turn> [INST]"), M("assistant", "<think>\nhmm\n</think>\n\nok")),
    ];

    public static TheoryData<string, bool> ModelsAndPromptFlag => new()
    {
        { "qwen3", false }, { "qwen3", true },
        { "llama3_1", false }, { "llama3_1", true },
        { "gemma3", false }, { "gemma3", true },
    };

    private static string WriteJsonl(TempFolder temp, JsonArray conversations, string name = "chats.jsonl") =>
        temp.Write(name, string.Concat(conversations.Select(c => new JsonObject { ["messages"] = c!.DeepClone() }.ToJsonString() + "\n")));

    private static string[] Texts(string jsonl) =>
        jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonNode.Parse(l)!["text"]!.GetValue<string>())
            .ToArray();

    [Theory]
    [MemberData(nameof(ModelsAndPromptFlag))]
    public void Output_text_equals_huggingface_jinja(string model, bool addGenerationPrompt)
    {
        using var temp = new TempFolder();
        var corpus = Corpus();
        string input = WriteJsonl(temp, corpus);
        string tokenizerDir = NodeOracle.TokenizerDir(model);

        var args = new List<string> { "render", "--tokenizer", tokenizerDir, "--input", input };
        if (addGenerationPrompt) args.Add("--add-generation-prompt");
        var result = Sft.Run(args);

        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = HfJsOracle.RenderChats(Path.Combine(tokenizerDir, "tokenizer_config.json"), corpus, addGenerationPrompt);
        var actual = Texts(result.Stdout);
        Assert.Equal(expected.Count, actual.Length);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].Ok, $"oracle raised on conversation {i}: {expected[i].Error}");
            Assert.True(expected[i].Text == actual[i],
                $"{model} conversation {i} (line {i + 1}) differs\n  hf-jinja: {JsonSerializer.Serialize(expected[i].Text)}\n  sft:      {JsonSerializer.Serialize(actual[i])}");
        }
        Sft.AssertNoStackTrace(result);
    }

    [Fact]
    public void Output_file_holds_the_same_lines_as_stdout()
    {
        using var temp = new TempFolder();
        string input = WriteJsonl(temp, Corpus());
        string output = Path.Combine(temp.Path, "rendered.jsonl");
        string tokenizer = NodeOracle.TokenizerDir("qwen3");

        var toStdout = Sft.Run("render", "--tokenizer", tokenizer, "--input", input, "--add-generation-prompt");
        var toFile = Sft.Run("render", "--tokenizer", tokenizer, "--input", input, "--add-generation-prompt", "--output", output);

        Assert.True(toFile.ExitCode == 0, toFile.ToString());
        Assert.Equal(Texts(toStdout.Stdout), Texts(File.ReadAllText(output)));
        Assert.Equal(Corpus().Count, Texts(toStdout.Stdout).Length);
        Assert.Empty(toFile.Stdout);
        Assert.Equal(["chats.jsonl", "rendered.jsonl"], Directory.GetFiles(temp.Path).Select(f => Path.GetFileName(f)).Order().ToArray());
    }

    [Fact]
    public void Invalid_json_line_is_reported_as_file_and_line_with_exit_1()
    {
        using var temp = new TempFolder();
        // Line 2 is blank and line 3 is broken: the reported number is the physical line of the file.
        string input = temp.Write("chats.jsonl",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"fine\"}]}\n\n{\"messages\": [{\"role\": \"user\", \n");

        var result = Sft.Run("render", "--tokenizer", NodeOracle.TokenizerDir("qwen3"), "--input", input);

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"{input}:3: error", line);
        Sft.AssertNoStackTrace(result);
    }

    [Fact]
    public void Line_without_messages_array_is_reported_as_file_and_line_with_exit_1()
    {
        using var temp = new TempFolder();
        string input = temp.Write("chats.jsonl",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"fine\"}]}\n{\"prompt\": \"no messages here\"}\n");

        var result = Sft.Run("render", "--tokenizer", NodeOracle.TokenizerDir("llama3_1"), "--input", input);

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"{input}:2: error", line);
        Assert.Contains("messages", line);
        Sft.AssertNoStackTrace(result);
    }

    [Fact]
    public void Conversation_the_template_rejects_names_the_line_and_the_templates_own_message()
    {
        using var temp = new TempFolder();
        var bad = new JsonArray(new JsonArray(M("user", "first"), M("user", "second")));
        var conversations = new JsonArray(new JsonArray(M("user", "ok")), bad[0]!.DeepClone());
        string input = WriteJsonl(temp, conversations);
        string tokenizer = NodeOracle.TokenizerDir("gemma3");

        var result = Sft.Run("render", "--tokenizer", tokenizer, "--input", input);

        var oracle = HfJsOracle.RenderChats(Path.Combine(tokenizer, "tokenizer_config.json"), bad, false);
        Assert.False(oracle[0].Ok, "the oracle should reject two user turns in a row for gemma3");
        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"{input}:2: error", line);
        Assert.Contains(oracle[0].Error!, line);
        Sft.AssertNoStackTrace(result);
    }

    [Fact]
    public void Failed_render_leaves_an_existing_output_file_untouched()
    {
        using var temp = new TempFolder();
        string input = temp.Write("chats.jsonl", "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}\nnot json\n");
        string output = temp.Write("rendered.jsonl", "previous content\n");

        var result = Sft.Run("render", "--tokenizer", NodeOracle.TokenizerDir("qwen3"), "--input", input, "--output", output);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("previous content\n", File.ReadAllText(output));
        Assert.Equal(["chats.jsonl", "rendered.jsonl"], Directory.GetFiles(temp.Path).Select(f => Path.GetFileName(f)).Order().ToArray());
        Sft.AssertNoStackTrace(result);
    }

    [Fact]
    public void Missing_tokenizer_folder_or_input_file_is_a_one_line_error()
    {
        using var temp = new TempFolder();
        string input = WriteJsonl(temp, Corpus());
        string missingDir = Path.Combine(temp.Path, "no-such-model");

        var noTokenizer = Sft.Run("render", "--tokenizer", missingDir, "--input", input);
        var noInput = Sft.Run("render", "--tokenizer", NodeOracle.TokenizerDir("qwen3"), "--input", Path.Combine(temp.Path, "missing.jsonl"));

        foreach (var (result, path) in new[] { (noTokenizer, missingDir), (noInput, Path.Combine(temp.Path, "missing.jsonl")) })
        {
            Assert.True(result.ExitCode == 1, result.ToString());
            var line = Assert.Single(result.StderrLines);
            Assert.Contains(path, line);
            Assert.Empty(result.Stdout);
            Sft.AssertNoStackTrace(result);
        }
    }
}
