using static DeclarativeSft.Data.HfChatTemplateText;

namespace DeclarativeSft.Data;

/// <summary>Llama 3 / 3.1 instruct: <c>&lt;|begin_of_text|&gt;</c> once, then per message
/// <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\n</c> + trimmed content + <c>&lt;|eot_id|&gt;</c>.
/// Content is trimmed because Meta's own template applies <c>| trim</c>; matching it exactly matters, since a
/// template that differs from the base model's trains fine and then generates badly.</summary>
public sealed class Llama3Template : ChatTemplate
{
    public const string BeginOfText = "<|begin_of_text|>";
    public const string StartHeader = "<|start_header_id|>";
    public const string EndHeader = "<|end_header_id|>";
    public const string EndOfTurn = "<|eot_id|>";

    public override string Name => "llama3";

    public override IReadOnlyList<string> SpecialTokens => [BeginOfText, StartHeader, EndHeader, EndOfTurn];

    public override RenderedConversation Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = false)
    {
        var b = new RenderBuilder();
        if (messages.Count > 0) b.Append(BeginOfText, SpanKind.Markup);
        for (int i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            b.Append(StartHeader + m.Role + EndHeader + "\n\n", SpanKind.Markup, i, m.Role)
             .Append(TextTrim.Trim(m.Content), SpanKind.Content, i, m.Role)
             .Append(EndOfTurn, SpanKind.EndOfTurn, i, m.Role);
        }
        if (addGenerationPrompt)
            b.Append(StartHeader + ChatRoles.Assistant + EndHeader + "\n\n", SpanKind.Markup);
        return b.Build();
    }

    // Jinja's trim filter where Render uses TextTrim.Trim: Python's str.strip and JavaScript's trim agree except on a
    // few rare characters (U+001C..U+001F, U+FEFF at the ends of a message).
    protected override string HfChatTemplateBody()
        => If("messages", Text(BeginOfText))
         + ForMessages(Output(Literal(StartHeader), Role, Literal(EndHeader + "\n\n"), "(" + Content + " | trim)", Literal(EndOfTurn)))
         + If("add_generation_prompt", Text(StartHeader + ChatRoles.Assistant + EndHeader + "\n\n"));
}
