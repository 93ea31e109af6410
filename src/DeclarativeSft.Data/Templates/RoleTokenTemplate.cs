using static DeclarativeSft.Data.HfChatTemplateText;

namespace DeclarativeSft.Data;

/// <summary>The opening and closing token of one role in a <see cref="RoleTokenTemplate"/>.</summary>
public sealed record RoleTokens(string Open, string Close);

/// <summary>
/// The <c>custom</c> format: each message is <c>open + content + close</c> with declared tokens per role and no
/// other text (seed 004's layout: <c>&lt;SOT&gt;system&lt;EOT&gt;&lt;SOU&gt;user&lt;EOU&gt;&lt;SOA&gt;assistant&lt;EOA&gt;</c>). The assistant's close
/// token is the end-of-turn marker; the generation prompt is the assistant's open token.
/// </summary>
public sealed class RoleTokenTemplate : ChatTemplate
{
    private readonly RoleTokens _system, _user, _assistant;
    private readonly string? _bos;

    public RoleTokenTemplate(RoleTokens system, RoleTokens user, RoleTokens assistant, string? bosToken = null)
    {
        (_system, _user, _assistant, _bos) = (system, user, assistant, bosToken);
        foreach (var token in SpecialTokens)
            if (string.IsNullOrEmpty(token))
                throw new ChatTemplateException("custom template: every role needs a non-empty open and close token (template.tokens: { system: [open, close], user: [...], assistant: [...] })");
    }

    /// <summary>Seed 004's six tokens.</summary>
    public static RoleTokenTemplate Seed004(string? bosToken = null) =>
        new(new("<SOT>", "<EOT>"), new("<SOU>", "<EOU>"), new("<SOA>", "<EOA>"), bosToken);

    public override string Name => "custom";

    public override IReadOnlyList<string> SpecialTokens =>
        _bos == null
            ? [_system.Open, _system.Close, _user.Open, _user.Close, _assistant.Open, _assistant.Close]
            : [_bos, _system.Open, _system.Close, _user.Open, _user.Close, _assistant.Open, _assistant.Close];

    public override RenderedConversation Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = false)
    {
        var b = new RenderBuilder();
        if (_bos != null) b.Append(_bos, SpanKind.Markup);
        for (int i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            var tokens = m.Role switch
            {
                ChatRoles.System => _system,
                ChatRoles.User => _user,
                _ => _assistant,
            };
            b.Append(tokens.Open, SpanKind.Markup, i, m.Role)
             .Append(m.Content, SpanKind.Content, i, m.Role)
             .Append(tokens.Close, m.Role == ChatRoles.Assistant ? SpanKind.EndOfTurn : SpanKind.Markup, i, m.Role);
        }
        if (addGenerationPrompt) b.Append(_assistant.Open, SpanKind.Markup);
        return b.Build();
    }

    protected override string HfChatTemplateBody()
    {
        static string Turn(RoleTokens t) => Output(Literal(t.Open), Content, Literal(t.Close));
        return Text(_bos)
             + ForMessages(ByRole(Turn(_system), Turn(_user), Turn(_assistant)))
             + If("add_generation_prompt", Text(_assistant.Open));
    }
}
