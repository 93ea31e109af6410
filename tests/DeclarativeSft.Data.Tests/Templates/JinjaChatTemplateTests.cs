using DeclarativeSft.Data.Tests.Support;
using static DeclarativeSft.Data.Tests.Support.Corpus;

namespace DeclarativeSft.Data.Tests.Templates;

/// <summary>Span recovery from Jinja templates by incremental rendering, with Hugging Face's Jinja as the renderer.</summary>
public sealed class JinjaChatTemplateTests : IClassFixture<JinjaOracleFixture>
{
    private readonly JinjaOracle _oracle;

    public JinjaChatTemplateTests(JinjaOracleFixture fixture) => _oracle = fixture.Oracle;

    private JinjaChatTemplate FromNpm(string name, string? bos, string? eos) =>
        new(name, (messages, prompt) => _oracle.Render(NodeOracle.ChatTemplateOf(name), messages, prompt, bos, eos));

    [Fact]
    public void Spans_recovered_from_chatml_jinja_equal_the_named_chatml_spans()
    {
        var jinja = new JinjaChatTemplate("chatml-jinja", (m, p) => _oracle.Render(TemplateParityTests.ChatMlJinja, m, p));
        foreach (var messages in Conversations)
        {
            var expected = new ChatMlTemplate().Render(messages);
            var actual = jinja.Render(messages);
            Assert.Equal(expected.Text, actual.Text);
            Assert.Equal(expected.Spans, actual.Spans);
        }
    }

    [Fact]
    public void Spans_recovered_from_llama3_1_jinja_equal_the_named_llama3_spans()
    {
        var jinja = FromNpm("llama3_1", "<|begin_of_text|>", "<|eot_id|>");
        foreach (var messages in Conversations)
            foreach (bool prompt in new[] { false, true })
            {
                var expected = new Llama3Template().Render(messages, prompt);
                var actual = jinja.Render(messages, prompt);
                Assert.Equal(expected.Text, actual.Text);
                // Which message owns the leading BOS differs (Jinja emits it inside message 1); markup is never
                // trained, so the content and end-of-turn spans are what must agree.
                Assert.Equal(expected.Spans.Where(s => s.Kind != SpanKind.Markup), actual.Spans.Where(s => s.Kind != SpanKind.Markup));
            }
    }

    [Fact]
    public void Gemma3_spans_tile_the_oracle_rendering_and_locate_trimmed_content()
    {
        var jinja = FromNpm("gemma3", "<bos>", "<end_of_turn>");
        foreach (var messages in Conversations)
        {
            var r = jinja.Render(messages);
            Assert.Equal(_oracle.Render(NodeOracle.ChatTemplateOf("gemma3"), messages, false, "<bos>", "<end_of_turn>"), r.Text);
            TemplateAssertions.SpansTileText(r);
            // Gemma folds the system prompt into the first user turn, so only user/assistant content is located.
            foreach (var (m, i) in messages.Select((m, i) => (m, i)).Where(x => x.m.Role != ChatRoles.System))
                Assert.Equal(m.Content.Trim(), string.Concat(r.Spans.Where(s => s.MessageIndex == i && s.Kind == SpanKind.Content).Select(r.TextOf)));
            Assert.All(r.Spans.Where(s => s.Kind == SpanKind.EndOfTurn && s.Role == ChatRoles.Assistant),
                s => Assert.Equal("<end_of_turn>", r.TextOf(s)));
        }
    }

    [Fact]
    public void Qwen3_single_turn_is_split_and_multi_turn_is_rejected_naming_the_template()
    {
        var jinja = FromNpm("qwen3", null, "<|im_end|>");
        var single = jinja.Render([S("sys"), U("q"), A("answer")]);
        TemplateAssertions.SpansTileText(single);
        Assert.Equal("answer", single.TextOf(Assert.Single(single.Spans, s => s.MessageIndex == 2 && s.Kind == SpanKind.Content)));
        Assert.Equal("<|im_end|>", single.TextOf(Assert.Single(single.Spans, s => s.MessageIndex == 2 && s.Kind == SpanKind.EndOfTurn)));

        // Qwen3 renders the latest assistant turn with an empty <think> block and drops it once a user turn
        // follows, so prefix renderings are not prefixes of each other.
        var e = Assert.Throws<ChatTemplateException>(() => jinja.Render([U("a"), A("b"), U("c"), A("d")]));
        Assert.Contains("qwen3", e.Message);
        Assert.Contains("cannot be split", e.Message);
    }

    [Fact]
    public void A_template_that_changes_assistant_content_is_rejected()
    {
        var upper = new JinjaChatTemplate("shouting",
            (m, p) => _oracle.Render("{% for message in messages %}[{{ message['role'] }}]{{ message['content'] | upper }}{% endfor %}", m, p));
        var e = Assert.Throws<ChatTemplateException>(() => upper.Render([U("hi"), A("hello")]));
        Assert.Contains("shouting", e.Message);
        Assert.Contains("message 2 (assistant)", e.Message);
    }
}
