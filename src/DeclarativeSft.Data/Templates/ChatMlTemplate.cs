using static DeclarativeSft.Data.HfChatTemplateText;

namespace DeclarativeSft.Data;

/// <summary>ChatML (Qwen2/2.5, many others): <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c> per message; generation prompt
/// <c>&lt;|im_start|&gt;assistant\n</c>. No BOS. Identical to the plain ChatML Jinja template.</summary>
public sealed class ChatMlTemplate : ChatTemplate
{
    public const string Start = "<|im_start|>";
    public const string End = "<|im_end|>";

    public override string Name => "chatml";

    public override IReadOnlyList<string> SpecialTokens => [Start, End];

    public override RenderedConversation Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = false)
    {
        var b = new RenderBuilder();
        for (int i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            b.Append(Start + m.Role + "\n", SpanKind.Markup, i, m.Role)
             .Append(m.Content, SpanKind.Content, i, m.Role)
             .Append(End, SpanKind.EndOfTurn, i, m.Role)
             .Append("\n", SpanKind.Markup, i, m.Role);
        }
        if (addGenerationPrompt) b.Append(Start + ChatRoles.Assistant + "\n", SpanKind.Markup);
        return b.Build();
    }

    protected override string HfChatTemplateBody()
        => ForMessages(Output(Literal(Start), Role, Literal("\n"), Content, Literal(End + "\n")))
         + If("add_generation_prompt", Text(Start + ChatRoles.Assistant + "\n"));
}
