using DeclarativeSft.Data.Tests.Support;
using DeclarativeSft.Tokenizers;
using static DeclarativeSft.Data.Tests.Support.Corpus;

namespace DeclarativeSft.Data.Tests.Masking;

/// <summary>The full stack on real model files: the project's HF tokenizer and Jinja interpreter.</summary>
public class RealTokenizerTests
{
    /// <summary>The characters of the trained tokens (by offsets, so decoder clean-ups do not interfere).</summary>
    private static string TrainedText(LabeledExample ex, ITokenizer _) =>
        string.Concat(ex.Tokens.Where((_, i) => ex.Labels[i] != Labels.IgnoreIndex).Select(t => ex.Text[t.Start..t.End]));

    /// <summary>Exact expectations only where no token can straddle markup and content: content with whitespace at
    /// its edges merges with the template's newline into one BPE token (which is then trained, by design).</summary>
    private static bool HasEdgeWhitespace(IReadOnlyList<ChatMessage> messages) =>
        messages.Any(m => m.Content.Length > 0 && (char.IsWhiteSpace(m.Content[0]) || char.IsWhiteSpace(m.Content[^1])));

    [Fact]
    public void Llama3_model_template_and_named_llama3_give_identical_tokens_and_labels()
    {
        string dir = NodeOracle.TokenizerDir("llama3_1");
        var tokenizer = HfTokenizer.FromDirectory(dir);
        var fromModel = ChatTemplates.FromTokenizerConfig(Path.Combine(dir, "tokenizer_config.json"));
        var options = new LossMaskOptions();
        foreach (var messages in Conversations)
        {
            var conversation = AsConversation(messages);
            var a = new LossMasker(tokenizer, fromModel, options).Label(conversation);
            var b = new LossMasker(tokenizer, new Llama3Template(), options).Label(conversation);
            Assert.Equal(b.InputIds, a.InputIds);
            Assert.Equal(b.Labels, a.Labels);
            // BOS comes from the template text, once.
            Assert.Equal(tokenizer.BosTokenId, a.InputIds[0]);
            Assert.NotEqual(tokenizer.BosTokenId, a.InputIds[1]);
            string expected = string.Concat(messages.Where(m => m.Role == ChatRoles.Assistant).Select(m => m.Content.Trim() + "<|eot_id|>"));
            Assert.Equal(expected, TrainedText(a, tokenizer));
        }
    }

    [Fact]
    public void Qwen3_tokenizer_with_chatml_trains_answers_and_im_end_only()
    {
        var tokenizer = HfTokenizer.FromDirectory(NodeOracle.TokenizerDir("qwen3"));
        foreach (bool trainEos in new[] { true, false })
            foreach (var messages in Conversations)
            {
                var ex = new LossMasker(tokenizer, new ChatMlTemplate(), new LossMaskOptions(TrainEos: trainEos)).Label(AsConversation(messages));
                string close = trainEos ? "<|im_end|>" : "";
                string expected = string.Concat(messages.Where(m => m.Role == ChatRoles.Assistant).Select(m => m.Content + close));
                if (HasEdgeWhitespace(messages))
                    Assert.EndsWith(expected, TrainedText(ex, tokenizer));
                else
                    Assert.Equal(expected, TrainedText(ex, tokenizer));
                int imEnd = tokenizer.TokenToId("<|im_end|>")!.Value;
                // Every <|im_end|> that closes an assistant turn is trained iff train_eos; user/system ones never.
                for (int t = 0; t < ex.Length; t++)
                    if (ex.Tokens[t].Id == imEnd)
                        Assert.Equal(trainEos && ex.TokenSpans[t].Role == ChatRoles.Assistant, ex.Labels[t] != Labels.IgnoreIndex);
            }
    }
}
