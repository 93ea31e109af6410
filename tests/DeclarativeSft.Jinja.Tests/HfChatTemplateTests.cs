using System.Text.Json.Nodes;

namespace DeclarativeSft.Jinja.Tests;

/// <summary>Loading chat templates and special tokens from tokenizer_config.json in its various shapes.</summary>
public sealed class HfChatTemplateTests : IDisposable
{
    private readonly TempFolder _temp = new("sft-jinja-cfg-");

    public void Dispose() => _temp.Dispose();

    private string Write(JsonObject config, string name = "tokenizer_config.json")
    {
        string path = Path.Combine(_temp.Path, name);
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    private static readonly ChatTurn[] Conversation = [new("user", "hi"), new("assistant", "yo")];

    [Fact]
    public void Reads_added_token_objects_and_list_form_templates()
    {
        var path = Write(new JsonObject
        {
            ["bos_token"] = new JsonObject { ["content"] = "<B>", ["lstrip"] = false, ["special"] = true },
            ["eos_token"] = "<E>",
            ["pad_token"] = null,
            ["chat_template"] = new JsonArray
            {
                new JsonObject { ["name"] = "tool_use", ["template"] = "TOOLS" },
                new JsonObject { ["name"] = "default", ["template"] = "{{ bos_token }}{% for m in messages %}{{ m.role }}:{{ m.content }}{{ eos_token }}{% endfor %}[{{ pad_token }}]" },
            },
        });
        var t = HfChatTemplate.FromTokenizerConfig(path);
        Assert.Equal("<B>", t.BosToken);
        Assert.Equal("<E>", t.EosToken);
        Assert.Equal("<B>user:hi<E>assistant:yo<E>[]", t.Render(Conversation, false));
    }

    [Fact]
    public void List_without_default_is_a_clear_error()
    {
        var path = Write(new JsonObject
        {
            ["chat_template"] = new JsonArray { new JsonObject { ["name"] = "rag", ["template"] = "x" } },
        });
        var e = Assert.Throws<ChatTemplateConfigException>(() => HfChatTemplate.FromTokenizerConfig(path));
        Assert.Contains("no template named \"default\"", e.Message);
        Assert.Contains("rag", e.Message);
    }

    [Fact]
    public void Falls_back_to_chat_template_jinja_beside_the_config()
    {
        var path = Write(new JsonObject { ["eos_token"] = "</s>" });
        File.WriteAllText(Path.Combine(_temp.Path, "chat_template.jinja"), "{% for m in messages %}{{ m.content }}{{ eos_token }}{% endfor %}\n");
        Assert.Equal("hi</s>yo</s>", HfChatTemplate.Load(_temp.Path).Render(Conversation, false));
    }

    [Fact]
    public void Bad_JSON_and_template_syntax_errors_name_the_file()
    {
        string bad = Path.Combine(_temp.Path, "tokenizer_config.json");
        File.WriteAllText(bad, "{\n  \"chat_template\": \"x\",\n  oops\n}");
        var e1 = Assert.Throws<ChatTemplateConfigException>(() => HfChatTemplate.FromTokenizerConfig(bad));
        Assert.Contains(bad + ":3", e1.Message);

        var path = Write(new JsonObject { ["chat_template"] = "ok\n{% for m in messages %}" });
        var e2 = Assert.ThrowsAny<JinjaException>(() => HfChatTemplate.FromTokenizerConfig(path));
        Assert.Contains(path, e2.Message);
        Assert.Equal(2, e2.TemplateLine);
    }

    [Fact]
    public void Extra_context_reaches_the_template_and_tools_is_None()
    {
        var t = HfChatTemplate.FromTemplate("{{ tools is none }}|{{ enable_thinking }}|{{ add_generation_prompt }}|{{ bos_token is defined }}");
        Assert.Equal("True|False|True|False", t.Render(Conversation, true, new Dictionary<string, object?> { ["enable_thinking"] = false }));
    }

    [Fact]
    public void Rendering_twice_and_concurrently_gives_the_same_text()
    {
        var t = HfChatTemplate.FromTokenizerConfig(ChatTemplateParityTests.ConfigPath("qwen3"));
        var conversations = ChatCorpus.Conversations.Select(c => c.Messages).ToList();
        var first = conversations.Select(c => t.Render(c, true)).ToList();
        var parallel = new string[conversations.Count];
        Parallel.For(0, conversations.Count, i => parallel[i] = t.Render(conversations[i], true));
        Assert.Equal(first, parallel);
    }

    [Fact]
    public void JSONL_renderer_reports_the_input_line()
    {
        var t = HfChatTemplate.FromTokenizerConfig(ChatTemplateParityTests.ConfigPath("gemma3"));
        var input = new StringReader("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}\n\n{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"b\"}]}\n");
        var e = Assert.Throws<ChatInputException>(() => ChatJsonlRenderer.Render(input, new StringWriter(), t, false, "convs.jsonl"));
        Assert.Equal(3, e.Line);
        Assert.StartsWith("convs.jsonl:3: error:", e.Message);
        Assert.Contains("Conversation roles must alternate", e.Message);

        var bad = Assert.Throws<ChatInputException>(() =>
            ChatJsonlRenderer.Render(new StringReader("{\"messages\": 3}"), new StringWriter(), t, false, "x.jsonl"));
        Assert.Equal(1, bad.Line);
    }

    [Fact]
    public void JSONL_renderer_writes_one_text_object_per_conversation()
    {
        var t = HfChatTemplate.FromTokenizerConfig(ChatTemplateParityTests.ConfigPath("llama3_1"));
        var output = new StringWriter();
        int n = ChatJsonlRenderer.Render(new StringReader(
            "{\"messages\":[{\"role\":\"user\",\"content\":\"é \\\"q\\\"\"}]}\n{\"messages\":[{\"role\":\"user\",\"content\":\"b\"}]}\n"),
            output, t, true, "in.jsonl");
        Assert.Equal(2, n);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var text = (string)JsonNode.Parse(lines[0])!["text"]!;
        Assert.Equal(t.Render([new ChatTurn("user", "é \"q\"")], true), text);
    }
}
