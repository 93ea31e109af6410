using DeclarativeSft.Jinja;

namespace DeclarativeSft.Data;

/// <summary>
/// A model's own Jinja <c>chat_template</c> (<c>template.format: from-tokenizer</c>). Jinja only produces text, so the
/// structure is recovered by rendering prefixes of the conversation: message k owns the characters that the
/// rendering of messages[0..k] adds to the rendering of messages[0..k-1]. That is only sound when each rendering
/// is a prefix of the next, which is checked; a template that rewrites earlier turns (e.g. one that drops
/// reasoning from older turns) is rejected with an error naming the template and the message.
/// Inside a message's part, the content is located by rendering the same prefix with the content replaced by
/// a sentinel (what comes before/after it is the message's markup), falling back to an unambiguous search
/// for the content (or its trimmed form) when the template reacts to the sentinel.
/// </summary>
public sealed class JinjaChatTemplate : ChatTemplate
{
    private const string Sentinel = "\u2063SFT-CONTENT-SENTINEL\u2063";
    private readonly Func<IReadOnlyList<ChatMessage>, bool, string> _render;
    private readonly IReadOnlyList<string> _specialTokens;
    private readonly string? _source;

    /// <param name="name">Shown in errors, e.g. the tokenizer_config.json path.</param>
    /// <param name="render">Renders messages to text (the Jinja interpreter), with or without the generation prompt.</param>
    /// <param name="specialTokens">Special tokens the template text uses (BOS/EOS from the config), for vocabulary checks.</param>
    /// <param name="source">The Jinja source <paramref name="render"/> runs, written into exported tokenizer_config.json files.</param>
    public JinjaChatTemplate(string name, Func<IReadOnlyList<ChatMessage>, bool, string> render,
        IReadOnlyList<string>? specialTokens = null, string? source = null)
    {
        _source = source;
        Name = name;
        _render = render;
        _specialTokens = specialTokens ?? [];
    }

    public override string Name { get; }

    public override IReadOnlyList<string> SpecialTokens => _specialTokens;

    /// <summary>The model's own template, unchanged.</summary>
    protected override string? HfChatTemplateBody() => _source;

    public override RenderedConversation Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = false)
    {
        var b = new RenderBuilder();
        string previous = RenderEmpty(messages.Count > 0 ? RenderPrefix(messages, 1, false) : "");
        b.Append(previous, SpanKind.Markup);
        for (int k = 0; k < messages.Count; k++)
        {
            string current = RenderPrefix(messages, k + 1, false);
            if (!current.StartsWith(previous, StringComparison.Ordinal))
                throw new ChatTemplateException(
                    $"chat template {Name} cannot be split into messages: rendering messages 1..{k + 1} does not start with the rendering of messages 1..{k} " +
                    $"(the template rewrites earlier turns when message {k + 1} ({messages[k].Role}) is added), so per-message loss masks cannot be derived from it. " +
                    "Use a named template (template.format: chatml, llama3, …) that matches the model, or a conversation layout the template renders stably.");
            string part = current[previous.Length..];
            AppendMessage(b, messages, k, previous, part);
            previous = current;
        }
        if (addGenerationPrompt)
        {
            string withPrompt = RenderPrefix(messages, messages.Count, true);
            if (!withPrompt.StartsWith(previous, StringComparison.Ordinal))
                throw new ChatTemplateException($"chat template {Name}: the rendering with add_generation_prompt does not start with the rendering without it");
            b.Append(withPrompt[previous.Length..], SpanKind.Markup);
        }
        return b.Build();
    }

    private void AppendMessage(RenderBuilder b, IReadOnlyList<ChatMessage> messages, int k, string previous, string part)
    {
        var message = messages[k];
        var (contentStart, contentEnd) = LocateContent(messages, k, previous, part);
        if (contentStart < 0)
        {
            if (message.Role == ChatRoles.Assistant)
                throw new ChatTemplateException(
                    $"chat template {Name}: cannot find the content of message {k + 1} (assistant) in the text the template renders for it, so its tokens cannot be trained; " +
                    "the template changes the content in a way other than trimming. Use a named template instead.");
            // A system or user message whose text the template moves elsewhere (e.g. Gemma folds the system
            // prompt into the first user turn): everything it added is markup; it is never trained anyway.
            b.Append(part, SpanKind.Markup, k, message.Role);
            return;
        }
        b.Append(part[..contentStart], SpanKind.Markup, k, message.Role);
        b.Append(part[contentStart..contentEnd], SpanKind.Content, k, message.Role);
        string trailer = part[contentEnd..];
        // The closing marker is what follows the content up to trailing whitespace (e.g. "<|im_end|>" of "<|im_end|>\n").
        int markerEnd = trailer.Length;
        while (markerEnd > 0 && char.IsWhiteSpace(trailer[markerEnd - 1])) markerEnd--;
        b.Append(trailer[..markerEnd], SpanKind.EndOfTurn, k, message.Role);
        b.Append(trailer[markerEnd..], SpanKind.Markup, k, message.Role);
    }

    /// <summary>The content's [start, end) inside <paramref name="part"/>, or (-1, -1) when it cannot be located.</summary>
    private (int Start, int End) LocateContent(IReadOnlyList<ChatMessage> messages, int k, string previous, string part)
    {
        var candidates = ContentForms(messages[k].Content);
        if (candidates.Count == 0) return (-1, -1);

        // Sentinel rendering: tells where the template puts the content and what it writes around it.
        string? probe = TryRender(WithContent(messages, k, Sentinel), false);
        if (probe != null && probe.StartsWith(previous, StringComparison.Ordinal))
        {
            string probePart = probe[previous.Length..];
            int at = probePart.IndexOf(Sentinel, StringComparison.Ordinal);
            if (at >= 0 && probePart.IndexOf(Sentinel, at + 1, StringComparison.Ordinal) < 0)
            {
                string header = probePart[..at];
                string trailer = probePart[(at + Sentinel.Length)..];
                if (part.Length >= header.Length + trailer.Length && part.StartsWith(header, StringComparison.Ordinal)
                    && part.EndsWith(trailer, StringComparison.Ordinal))
                {
                    string middle = part.Substring(header.Length, part.Length - header.Length - trailer.Length);
                    if (candidates.Contains(middle)) return (header.Length, header.Length + middle.Length);
                }
            }
        }

        // Fallback: the longest form of the content that occurs exactly once in the message's part.
        foreach (string form in candidates)
        {
            int first = part.IndexOf(form, StringComparison.Ordinal);
            if (first < 0) continue;
            if (part.IndexOf(form, first + 1, StringComparison.Ordinal) >= 0) return (-1, -1);
            return (first, first + form.Length);
        }
        return (-1, -1);
    }

    private static List<string> ContentForms(string content)
    {
        var forms = new List<string>();
        foreach (string form in new[] { content, TextTrim.Trim(content), content.TrimEnd(), content.TrimStart(), content.Trim('\n') })
            if (form.Length > 0 && !forms.Contains(form)) forms.Add(form);
        forms.Sort((a, b) => b.Length.CompareTo(a.Length));
        return forms;
    }

    private static List<ChatMessage> WithContent(IReadOnlyList<ChatMessage> messages, int k, string content)
    {
        var list = new List<ChatMessage>(k + 1);
        for (int i = 0; i < k; i++) list.Add(messages[i]);
        list.Add(messages[k] with { Content = content });
        return list;
    }

    /// <summary>The rendering of no messages, when the template accepts that and it prefixes the first
    /// message's rendering (text every conversation starts with, such as BOS); "" otherwise.</summary>
    private string RenderEmpty(string firstRendering)
    {
        string? empty = TryRender([], false);
        return empty != null && firstRendering.StartsWith(empty, StringComparison.Ordinal) ? empty : "";
    }

    private string RenderPrefix(IReadOnlyList<ChatMessage> messages, int count, bool addGenerationPrompt)
    {
        var prefix = new List<ChatMessage>(count);
        for (int i = 0; i < count; i++) prefix.Add(messages[i]);
        try
        {
            return _render(prefix, addGenerationPrompt);
        }
        catch (JinjaLimitException e) when (e.Message.Contains(Name, StringComparison.Ordinal))
        {
            // Already names the template file, the limit and the template position.
            throw new ChatTemplateException($"{e.Message} (while rendering messages 1..{count})");
        }
        catch (Exception e) when (e is not ChatTemplateException)
        {
            throw new ChatTemplateException($"chat template {Name} failed on messages 1..{count}: {e.Message}");
        }
    }

    private string? TryRender(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        try
        {
            return _render(messages, addGenerationPrompt);
        }
        catch (Exception)
        {
            return null; // probing only: the caller falls back to another way
        }
    }
}
