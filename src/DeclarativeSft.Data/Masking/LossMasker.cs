using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Data;

/// <summary>
/// Tokenizes rendered conversations and derives labels from their structure: the text is encoded with offsets,
/// each token is attributed to the template spans its characters fall in, and a token is trained when any of its
/// characters belongs to a trained span. (A token straddling markup and an answer, like " Hi" after
/// "Assistant:", is trained: the model has to produce it.) Special tokens in the text come from the template, so
/// the tokenizer's post-processor is not applied — BOS is the template's business, which avoids a double BOS.
/// </summary>
public sealed class LossMasker
{
    private readonly ITokenizer _tokenizer;
    private readonly ChatTemplate _template;
    private readonly LossMaskOptions _options;

    public LossMasker(ITokenizer tokenizer, ChatTemplate template, LossMaskOptions options)
    {
        _tokenizer = tokenizer;
        _template = template;
        _options = options;
    }

    public LossMaskOptions Options => _options;

    public ChatTemplate Template => _template;

    public ITokenizer Tokenizer => _tokenizer;

    /// <summary>Renders, tokenizes and labels one conversation.</summary>
    public LabeledExample Label(Conversation conversation)
    {
        RenderedConversation rendered;
        try
        {
            rendered = _template.Render(conversation.Messages);
        }
        catch (ChatTemplateException e)
        {
            throw new DataFormatException(conversation.SourceFile, conversation.SourceLine, e.Message);
        }
        return Label(conversation, rendered);
    }

    /// <summary>Tokenizes and labels an already rendered conversation.</summary>
    public LabeledExample Label(Conversation conversation, RenderedConversation rendered)
    {
        var messages = conversation.Messages;
        var trainedMessage = new bool[messages.Count];
        for (int i = 0; i < messages.Count; i++) trainedMessage[i] = IsTrained(messages, i);

        string text = rendered.Text;
        var trainedChar = new bool[text.Length];
        var spanOfChar = new int[text.Length];
        bool eotExpected = false;
        for (int s = 0; s < rendered.Spans.Count; s++)
        {
            var span = rendered.Spans[s];
            bool trained = IsTrained(span, trainedMessage);
            if (span.Kind == SpanKind.EndOfTurn && span.Role == ChatRoles.Assistant && span.MessageIndex >= 0 && trainedMessage[span.MessageIndex])
                eotExpected = true;
            for (int c = span.Start; c < span.End; c++)
            {
                trainedChar[c] = trained;
                spanOfChar[c] = s;
            }
        }

        var tokens = _tokenizer.EncodeWithOffsets(text, addSpecialTokens: false).ToArray();
        var labels = new int[tokens.Length];
        var tokenSpans = new TemplateSpan[tokens.Length];
        bool eotTrained = false;
        for (int t = 0; t < tokens.Length; t++)
        {
            var token = tokens[t];
            int start = Math.Clamp(token.Start, 0, text.Length), end = Math.Clamp(token.End, start, text.Length);
            bool trained = false;
            for (int c = start; c < end && !trained; c++) trained = trainedChar[c];
            labels[t] = trained ? token.Id : Labels.IgnoreIndex;
            tokenSpans[t] = end > start ? rendered.Spans[spanOfChar[start]] : new TemplateSpan(start, start, -1, null, SpanKind.Markup);
            if (trained)
                for (int c = start; c < end; c++)
                {
                    var span = rendered.Spans[spanOfChar[c]];
                    if (span.Kind == SpanKind.EndOfTurn && span.Role == ChatRoles.Assistant) { eotTrained = true; break; }
                }
        }
        return new LabeledExample(conversation, text, tokens, labels, tokenSpans, eotExpected, eotTrained, tokens.Length);
    }

    private bool IsTrained(TemplateSpan span, bool[] trainedMessage)
    {
        if (_options.Mode == LossMaskMode.All)
            return span.MessageIndex < 0 || trainedMessage[span.MessageIndex];
        if (span.MessageIndex < 0 || !trainedMessage[span.MessageIndex]) return false;
        return span.Kind switch
        {
            SpanKind.Content => true,
            SpanKind.EndOfTurn => _options.TrainEos && span.Role == ChatRoles.Assistant,
            _ => false,
        };
    }

    private bool IsTrained(IReadOnlyList<ChatMessage> messages, int index)
    {
        var message = messages[index];
        if (message.Train is bool explicitChoice) return explicitChoice;
        return _options.Mode switch
        {
            LossMaskMode.All => true,
            LossMaskMode.Assistant => message.Role == ChatRoles.Assistant,
            LossMaskMode.LastAssistant or LossMaskMode.Completion =>
                message.Role == ChatRoles.Assistant && index == LastAssistantIndex(messages),
            _ => false,
        };
    }

    private static int LastAssistantIndex(IReadOnlyList<ChatMessage> messages)
    {
        for (int i = messages.Count - 1; i >= 0; i--)
            if (messages[i].Role == ChatRoles.Assistant) return i;
        return -1;
    }
}
