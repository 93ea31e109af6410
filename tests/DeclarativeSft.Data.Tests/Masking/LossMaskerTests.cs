using DeclarativeSft.Data.Tests.Support;
using DeclarativeSft.Data.Tests.Templates;
using DeclarativeSft.Tokenizers;
using static DeclarativeSft.Data.Tests.Support.Corpus;

namespace DeclarativeSft.Data.Tests.Masking;

public class LossMaskerTests
{
    private static (LabeledExample Example, RenderedConversation Rendered) Label(
        ChatTemplate template, IReadOnlyList<ChatMessage> messages, LossMaskOptions options)
    {
        var tokenizer = new WordTestTokenizer(template.SpecialTokens);
        var masker = new LossMasker(tokenizer, template, options);
        var rendered = template.Render(messages);
        return (masker.Label(AsConversation(messages), rendered), rendered);
    }

    private static bool Overlaps(EncodedToken t, TemplateSpan s) => t.Start < s.End && s.Start < t.End;

    [Theory]
    [MemberData(nameof(NamedTemplateTests.TemplateNames), MemberType = typeof(NamedTemplateTests))]
    public void Assistant_content_is_trained_and_no_system_or_user_token_is(string name)
    {
        var template = NamedTemplateTests.Create(name);
        foreach (bool trainEos in new[] { true, false })
            foreach (var messages in Conversations)
            {
                var (ex, r) = Label(template, messages, new LossMaskOptions(LossMaskMode.Assistant, trainEos));
                Assert.Equal(ex.Tokens.Length, ex.Labels.Length);
                for (int t = 0; t < ex.Tokens.Length; t++)
                {
                    var token = ex.Tokens[t];
                    var touched = r.Spans.Where(s => Overlaps(token, s)).ToList();
                    bool assistantContent = touched.Any(s => s.Kind == SpanKind.Content && s.Role == ChatRoles.Assistant);
                    bool assistantEot = touched.Any(s => s.Kind == SpanKind.EndOfTurn && s.Role == ChatRoles.Assistant);
                    bool onlyPrompt = touched.All(s => s.Role is null or ChatRoles.System or ChatRoles.User);
                    bool trained = ex.Labels[t] != Labels.IgnoreIndex;
                    if (trained) Assert.Equal(token.Id, ex.Labels[t]);
                    if (assistantContent) Assert.True(trained, $"{name}: assistant token '{r.Text[token.Start..token.End]}' not trained");
                    if (onlyPrompt) Assert.False(trained, $"{name}: prompt token '{r.Text[token.Start..token.End]}' trained");
                    if (assistantEot && !assistantContent)
                        Assert.True(trained == trainEos, $"{name}: end-of-turn token trained={trained} with train_eos={trainEos}");
                }
                Assert.Equal(trainEos, ex.EndOfTurnTrained);
                Assert.True(ex.EndOfTurnExpected);
            }
    }

    [Fact]
    public void Chatml_trains_exactly_the_answer_and_its_closing_im_end()
    {
        // Seed 000's rule for ChatML: everything up to and including "<|im_start|>assistant\n" is masked;
        // the response and the closing <|im_end|> are trained.
        var template = new ChatMlTemplate();
        var (ex, _) = Label(template, [S("You are a helpful assistant."), U("What is 7 * 8?"), A("56")], new LossMaskOptions());
        var tokenizer = new WordTestTokenizer(template.SpecialTokens);
        var trained = ex.Tokens.Where((_, i) => ex.Labels[i] != Labels.IgnoreIndex).Select(t => ex.Text[t.Start..t.End]);
        Assert.Equal("56<|im_end|>", string.Concat(trained));
    }

    [Fact]
    public void Last_assistant_and_completion_train_only_the_final_turn()
    {
        var messages = new[] { U("a"), A("first"), U("b"), A("second") };
        foreach (var mode in new[] { LossMaskMode.LastAssistant, LossMaskMode.Completion })
        {
            var (ex, _) = Label(new ChatMlTemplate(), messages, new LossMaskOptions(mode, TrainEos: false));
            Assert.Equal("second", TrainedText(ex));
        }
    }

    [Fact]
    public void Train_false_on_a_message_keeps_it_out_of_the_loss()
    {
        var (ex, _) = Label(new ChatMlTemplate(), [U("a"), A("skip me", train: false), U("b"), A("keep")], new LossMaskOptions());
        Assert.Equal("keep<|im_end|>", TrainedText(ex));
    }

    [Fact]
    public void All_mode_trains_every_token()
    {
        var (ex, _) = Label(new ChatMlTemplate(), [S("s"), U("a"), A("b")], new LossMaskOptions(LossMaskMode.All));
        Assert.DoesNotContain(Labels.IgnoreIndex, ex.Labels);
    }

    [Fact]
    public void A_token_straddling_markup_and_the_answer_is_trained()
    {
        // "Assistant: " + "Hi" tokenizes as "Assistant:" + " Hi": the model must produce " Hi", so it is trained.
        var template = PlainTextTemplate.HumanAssistant(null, "</s>");
        var (ex, _) = Label(template, [U("Hello"), A("Hi")], new LossMaskOptions());
        Assert.Equal(" Hi</s>", TrainedText(ex));
    }

    [Fact]
    public void A_conversation_with_no_trained_message_has_no_trained_token()
    {
        var (ex, _) = Label(new ChatMlTemplate(), [U("a"), A("b", train: false)], new LossMaskOptions());
        Assert.Equal(0, ex.TrainedTokenCount);
        Assert.False(ex.EndOfTurnExpected);
    }

    [Fact]
    public void Template_errors_become_data_errors_naming_the_example()
    {
        var broken = new JinjaChatTemplate("broken.json", (_, _) => throw new InvalidOperationException("boom"));
        var masker = new LossMasker(new WordTestTokenizer([]), broken, new LossMaskOptions());
        var e = Assert.Throws<DataFormatException>(() => masker.Label(new Conversation([U("a"), A("b")], "d.jsonl", 7)));
        Assert.StartsWith("d.jsonl:7: chat template broken.json failed", e.Message);
    }

    private static string TrainedText(LabeledExample ex) =>
        string.Concat(ex.Tokens.Where((_, i) => ex.Labels[i] != Labels.IgnoreIndex).Select(t => ex.Text[t.Start..t.End]));
}
