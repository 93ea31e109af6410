using System.Text.Json.Nodes;
using DeclarativeSft.Jinja.Tests.Oracle;

namespace DeclarativeSft.Jinja.Tests;

/// <summary>
/// Real models' chat templates rendered by us and by @huggingface/jinja on the same conversations: the text must be
/// byte-identical, and where the template raises (e.g. roles that do not alternate) we must raise the same message.
/// </summary>
public class ChatTemplateParityTests
{
    // Meta's Llama-2-chat template as published with meta-llama/Llama-2-7b-chat-hf. The npm llama2 package's
    // tokenizer_config.json has no chat_template of its own, so the test adds this one to a copy of that config.
    public const string Llama2ChatTemplate =
        "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}" +
        "{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}" +
        "{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}" +
        "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}" +
        "{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}" +
        "{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}" +
        "{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}" +
        "{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";

    // Never disposed: ConfigPath's callers read the copy after it returns, so it lives as long as the test process.
    private static readonly TempFolder Llama2Copy = new("sft-jinja-tests-llama2-");

    public static TheoryData<string> Models => new() { "qwen3", "llama3", "llama3_1", "llama2", "gemma3" };

    /// <summary>The tokenizer_config.json to test for a model (llama2: a temp copy with the Llama-2-chat template added).</summary>
    public static string ConfigPath(string model)
    {
        string path = Path.Combine(NodeOracle.TokenizerDir(model), "tokenizer_config.json");
        if (model != "llama2") return path;
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config["chat_template"] = Llama2ChatTemplate;
        return Llama2Copy.Write("tokenizer_config.json", config.ToJsonString());
    }

    /// <summary>The context transformers would build, read straight from the config file (not through our loader).</summary>
    private static JsonObject OracleContext(JsonObject config, ChatTurn[] messages, bool addGenerationPrompt)
    {
        var list = new JsonArray();
        foreach (var m in messages) list.Add(new JsonObject { ["role"] = m.Role, ["content"] = m.Content });
        var ctx = new JsonObject
        {
            ["messages"] = list,
            ["add_generation_prompt"] = addGenerationPrompt,
            ["tools"] = null,
            ["documents"] = null,
        };
        foreach (var key in new[] { "bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token" })
        {
            var node = config[key];
            string? value = node is JsonObject o ? (string?)o["content"] : node?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)node : null;
            if (!string.IsNullOrEmpty(value)) ctx[key] = value;
        }
        return ctx;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Renders_corpus_identically_to_HuggingFace_Jinja(string model)
    {
        string configPath = ConfigPath(model);
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        string templateText = (string)config["chat_template"]!;
        var ours = HfChatTemplate.FromTokenizerConfig(configPath);

        var cases = new List<(string, JsonObject)>();
        var labels = new List<(string Name, ChatTurn[] Messages, bool Agp)>();
        foreach (var (name, messages) in ChatCorpus.Conversations)
            foreach (bool agp in new[] { false, true })
            {
                cases.Add((templateText, OracleContext(config, messages, agp)));
                labels.Add((name, messages, agp));
            }
        var expected = HfJinjaOracle.Render(cases);

        var failures = new List<string>();
        int rendered = 0, raised = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            var (name, messages, agp) = labels[i];
            string label = $"{model} / {name} / add_generation_prompt={agp}";
            string? actual = null, error = null;
            try { actual = ours.Render(messages, agp); }
            catch (JinjaException e) { error = e.Reason; }
            var oracle = expected[i];
            if (oracle.Ok)
            {
                rendered++;
                if (error is not null) failures.Add($"{label}: oracle rendered, we raised: {error}");
                else if (actual != oracle.Text) failures.Add($"{label}: text differs\n  oracle: {Escape(oracle.Text!)}\n  ours:   {Escape(actual!)}");
            }
            else
            {
                raised++;
                if (error is null) failures.Add($"{label}: oracle raised '{oracle.Error}', we rendered {Escape(actual!)}");
                else if (error != oracle.Error) failures.Add($"{label}: different error\n  oracle: {oracle.Error}\n  ours:   {error}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(rendered >= ChatCorpus.Conversations.Count, $"{model}: too few successful renderings ({rendered}) to mean anything");
        _ = raised;
    }

    [Fact]
    public void Role_order_violations_raise_the_templates_message()
    {
        ChatTurn[] bad = [new("user", "a"), new("user", "b")];
        foreach (var model in new[] { "llama2", "gemma3" })
        {
            var template = HfChatTemplate.FromTokenizerConfig(ConfigPath(model));
            var e = Assert.ThrowsAny<JinjaException>(() => template.Render(bad, true));
            Assert.Equal("Conversation roles must alternate user/assistant/user/assistant/...", e.Reason);
            Assert.True(e.RaisedByTemplate);
            Assert.True(e.TemplateLine > 0, "the error should carry the template line");
        }
    }

    [Fact]
    public void Npm_llama2_config_has_no_chat_template_and_loading_says_so()
    {
        string path = Path.Combine(NodeOracle.TokenizerDir("llama2"), "tokenizer_config.json");
        var e = Assert.Throws<ChatTemplateConfigException>(() => HfChatTemplate.FromTokenizerConfig(path));
        Assert.Contains("no chat_template", e.Message);
        Assert.Contains(path, e.Message);
    }

    internal static string Escape(string s) =>
        System.Text.Json.JsonSerializer.Serialize(s.Length > 600 ? s[..600] + "…" : s,
            new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
