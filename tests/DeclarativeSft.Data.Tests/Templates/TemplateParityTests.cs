using DeclarativeSft.Data.Tests.Support;
using static DeclarativeSft.Data.Tests.Support.Corpus;

namespace DeclarativeSft.Data.Tests.Templates;

/// <summary>
/// Named templates must produce exactly what the models' own Jinja templates produce, as rendered by Hugging
/// Face's @huggingface/jinja (the oracle). A mismatch here is the "trains fine, generates garbage" failure.
/// </summary>
public sealed class TemplateParityTests : IClassFixture<JinjaOracleFixture>
{
    /// <summary>The ChatML template as shipped in ChatML models' tokenizer_config.json.</summary>
    internal const string ChatMlJinja =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private readonly JinjaOracle _oracle;

    public TemplateParityTests(JinjaOracleFixture fixture) => _oracle = fixture.Oracle;

    [Fact]
    public void Chatml_matches_the_chatml_jinja_template()
    {
        var named = new ChatMlTemplate();
        foreach (var messages in Conversations)
            foreach (bool prompt in new[] { false, true })
                Assert.Equal(_oracle.Render(ChatMlJinja, messages, prompt), named.Render(messages, prompt).Text);
    }

    [Fact]
    public void Llama3_matches_the_llama_3_1_tokenizer_config_template()
    {
        string jinja = NodeOracle.ChatTemplateOf("llama3_1");
        var named = new Llama3Template();
        foreach (var messages in Conversations)
            foreach (bool prompt in new[] { false, true })
                Assert.Equal(_oracle.Render(jinja, messages, prompt, bosToken: "<|begin_of_text|>"), named.Render(messages, prompt).Text);
    }
}

public sealed class JinjaOracleFixture : IDisposable
{
    internal JinjaOracle Oracle { get; } = new();

    public void Dispose() => Oracle.Dispose();
}
