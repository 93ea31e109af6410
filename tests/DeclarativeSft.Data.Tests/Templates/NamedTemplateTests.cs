using DeclarativeSft.Data.Tests.Support;
using static DeclarativeSft.Data.Tests.Support.Corpus;

namespace DeclarativeSft.Data.Tests.Templates;

public class NamedTemplateTests
{
    public static TheoryData<string> TemplateNames => new() { "chatml", "llama3", "alpaca", "human-assistant", "custom" };

    internal static ChatTemplate Create(string name) => name switch
    {
        "chatml" => new ChatMlTemplate(),
        "llama3" => new Llama3Template(),
        "alpaca" => PlainTextTemplate.Alpaca("<s>", "</s>"),
        "human-assistant" => PlainTextTemplate.HumanAssistant(null, "</s>"),
        "custom" => RoleTokenTemplate.Seed004(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(TemplateNames))]
    public void Spans_tile_the_rendering_and_hold_each_message(string name)
    {
        var template = Create(name);
        foreach (var messages in Conversations)
            foreach (bool prompt in new[] { false, true })
            {
                var r = template.Render(messages, prompt);
                TemplateAssertions.SpansTileText(r);
                TemplateAssertions.ContentSpansMatchMessages(r, messages, trims: name == "llama3");
            }
    }

    [Fact]
    public void Custom_template_writes_seed_004_layout()
    {
        var r = RoleTokenTemplate.Seed004().Render([S("Be kind."), U("Hi"), A("Hello")]);
        Assert.Equal("<SOT>Be kind.<EOT><SOU>Hi<EOU><SOA>Hello<EOA>", r.Text);
        var eot = Assert.Single(r.Spans, s => s.Kind == SpanKind.EndOfTurn);
        Assert.Equal("<EOA>", r.TextOf(eot));
        Assert.Equal("<SOA>", RoleTokenTemplate.Seed004().Render([U("Hi")], addGenerationPrompt: true).Text[^5..]);
    }

    [Fact]
    public void Alpaca_uses_the_preamble_when_there_is_no_system_message_and_closes_with_eos()
    {
        var r = PlainTextTemplate.Alpaca("<s>", "</s>").Render([U("Add 2 and 3."), A("5")]);
        Assert.Equal(
            "<s>Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n" +
            "### Instruction:\nAdd 2 and 3.\n\n### Response:\n5</s>\n\n", r.Text);
        Assert.Equal("</s>", r.TextOf(Assert.Single(r.Spans, s => s.Kind == SpanKind.EndOfTurn)));
    }

    [Fact]
    public void Plain_text_templates_need_an_eos_token()
    {
        var e = Assert.Throws<ChatTemplateException>(() => PlainTextTemplate.HumanAssistant(null, ""));
        Assert.Contains("human-assistant", e.Message);
    }
}

public class AlpacaLayoutTests
{
    [Fact]
    public void An_alpaca_record_with_input_renders_stanford_alpacas_input_layout()
    {
        var c = DatasetReader.Read(new StringReader("{\"instruction\":\"Sum\",\"input\":\"1 2\",\"output\":\"3\"}"), "a.jsonl", DatasetFormat.Alpaca)[0];
        var r = PlainTextTemplate.Alpaca(null, "</s>").Render(c.Messages);
        Assert.Equal(
            "Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n" +
            "### Instruction:\nSum\n\n### Input:\n1 2\n\n### Response:\n3</s>\n\n", r.Text);
    }
}
