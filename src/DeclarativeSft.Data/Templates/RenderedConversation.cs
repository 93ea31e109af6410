namespace DeclarativeSft.Data;

/// <summary>What a piece of rendered text is, as far as the loss mask cares.</summary>
public enum SpanKind
{
    /// <summary>Template text around messages (role headers, separators, BOS, generation prompt).</summary>
    Markup,
    /// <summary>A message's own content.</summary>
    Content,
    /// <summary>The marker that closes a turn (e.g. <c>&lt;|im_end|&gt;</c>, <c>&lt;|eot_id|&gt;</c>, EOS): the model must learn to emit
    /// it after an assistant turn or it never stops.</summary>
    EndOfTurn,
}

/// <summary>Characters <c>[Start, End)</c> of a rendering, with the message they belong to.</summary>
/// <param name="Start">First character of the span.</param>
/// <param name="End">One past the last character of the span.</param>
/// <param name="MessageIndex">Index into the conversation's messages, or -1 for text that belongs to no message
/// (BOS, a default preamble, the generation prompt).</param>
/// <param name="Role">The role of that message, or null when <paramref name="MessageIndex"/> is -1.</param>
/// <param name="Kind">Whether the span is template markup, message content or the end-of-turn marker.</param>
public readonly record struct TemplateSpan(int Start, int End, int MessageIndex, string? Role, SpanKind Kind)
{
    public int Length => End - Start;
}

/// <summary>A conversation rendered by a chat template: the full text, and contiguous spans that tile it exactly
/// (span i ends where span i+1 starts; the first starts at 0, the last ends at <c>Text.Length</c>).</summary>
public sealed class RenderedConversation
{
    public RenderedConversation(string text, IReadOnlyList<TemplateSpan> spans)
    {
        Text = text;
        Spans = spans;
    }

    public string Text { get; }

    public IReadOnlyList<TemplateSpan> Spans { get; }

    /// <summary>The text of one span.</summary>
    public string TextOf(TemplateSpan span) => Text.Substring(span.Start, span.Length);
}

/// <summary>Builds a <see cref="RenderedConversation"/> piece by piece; empty pieces are dropped and adjacent
/// pieces with the same owner and kind are merged.</summary>
internal sealed class RenderBuilder
{
    private readonly System.Text.StringBuilder _text = new();
    private readonly List<TemplateSpan> _spans = [];

    public RenderBuilder Append(string piece, SpanKind kind, int messageIndex = -1, string? role = null)
    {
        if (piece.Length == 0) return this;
        int start = _text.Length;
        _text.Append(piece);
        if (_spans.Count > 0)
        {
            var last = _spans[^1];
            if (last.Kind == kind && last.MessageIndex == messageIndex)
            {
                _spans[^1] = last with { End = _text.Length };
                return this;
            }
        }
        _spans.Add(new TemplateSpan(start, _text.Length, messageIndex, role, kind));
        return this;
    }

    public RenderedConversation Build() => new(_text.ToString(), _spans.ToArray());
}
