using static DeclarativeSft.Data.HfChatTemplateText;

namespace DeclarativeSft.Data;

/// <summary>
/// Templates for base models without chat tokens (<c>alpaca</c>, <c>human-assistant</c>): a header string per
/// role, the content, and after an assistant turn the tokenizer's EOS token as the end-of-turn marker. The BOS
/// token, when the tokenizer has one, starts the text (these models expect it, and their templates have no
/// Jinja of their own to add it).
/// </summary>
public sealed class PlainTextTemplate : ChatTemplate
{
    private readonly string _name;
    private readonly string? _bos;
    private readonly string _eos;
    private readonly string _defaultSystem;
    private readonly string? _defaultSystemWithInput;
    private readonly string _systemSuffix;
    private readonly string _userPrefix, _userSuffix;
    private readonly string _assistantPrefix, _assistantSuffix;

    private PlainTextTemplate(string name, string? bos, string eos, string defaultSystem, string? defaultSystemWithInput, string systemSuffix,
        string userPrefix, string userSuffix, string assistantPrefix, string assistantSuffix)
    {
        _defaultSystemWithInput = defaultSystemWithInput;
        if (string.IsNullOrEmpty(eos))
            throw new ChatTemplateException($"template {name} needs an end-of-sequence token to close assistant turns, but the tokenizer has none; use a tokenizer with an EOS token or a custom template");
        (_name, _bos, _eos, _defaultSystem, _systemSuffix) = (name, bos, eos, defaultSystem, systemSuffix);
        (_userPrefix, _userSuffix, _assistantPrefix, _assistantSuffix) = (userPrefix, userSuffix, assistantPrefix, assistantSuffix);
    }

    /// <summary>Stanford Alpaca's layout: preamble, <c>### Instruction:</c>, <c>### Response:</c>.</summary>
    public static PlainTextTemplate Alpaca(string? bosToken, string eosToken) => new(
        "alpaca", bosToken, eosToken,
        defaultSystem: "Below is an instruction that describes a task. Write a response that appropriately completes the request.",
        // Stanford Alpaca words its preamble differently when the record has an input (which the alpaca reader puts
        // under "### Input:" in the user message).
        defaultSystemWithInput: "Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.",
        systemSuffix: "\n\n",
        userPrefix: "### Instruction:\n", userSuffix: "\n\n",
        assistantPrefix: "### Response:\n", assistantSuffix: "\n\n");

    /// <summary>The <c>Human: … Assistant: …</c> layout of early RLHF data sets.</summary>
    public static PlainTextTemplate HumanAssistant(string? bosToken, string eosToken) => new(
        "human-assistant", bosToken, eosToken,
        defaultSystem: "",
        defaultSystemWithInput: null,
        systemSuffix: "\n\n",
        userPrefix: "Human: ", userSuffix: "\n\n",
        assistantPrefix: "Assistant: ", assistantSuffix: "\n\n");

    public override string Name => _name;

    private string DefaultSystemFor(IReadOnlyList<ChatMessage> messages) =>
        _defaultSystemWithInput != null && messages.Any(m => m.Role == ChatRoles.User && m.Content.Contains(DatasetReader.AlpacaInputSeparator, StringComparison.Ordinal))
            ? _defaultSystemWithInput
            : _defaultSystem;

    public override IReadOnlyList<string> SpecialTokens => _bos == null ? [_eos] : [_bos, _eos];

    public override RenderedConversation Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = false)
    {
        var b = new RenderBuilder();
        if (_bos != null) b.Append(_bos, SpanKind.Markup);
        bool hasSystem = messages.Count > 0 && messages[0].Role == ChatRoles.System;
        if (!hasSystem && _defaultSystem.Length > 0) b.Append(DefaultSystemFor(messages) + _systemSuffix, SpanKind.Markup);
        for (int i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            switch (m.Role)
            {
                case ChatRoles.System:
                    b.Append(m.Content, SpanKind.Content, i, m.Role).Append(_systemSuffix, SpanKind.Markup, i, m.Role);
                    break;
                case ChatRoles.User:
                    b.Append(_userPrefix, SpanKind.Markup, i, m.Role).Append(m.Content, SpanKind.Content, i, m.Role)
                     .Append(_userSuffix, SpanKind.Markup, i, m.Role);
                    break;
                default:
                    b.Append(_assistantPrefix, SpanKind.Markup, i, m.Role).Append(m.Content, SpanKind.Content, i, m.Role)
                     .Append(_eos, SpanKind.EndOfTurn, i, m.Role).Append(_assistantSuffix, SpanKind.Markup, i, m.Role);
                    break;
            }
        }
        if (addGenerationPrompt) b.Append(_assistantPrefix, SpanKind.Markup);
        return b.Build();
    }

    protected override string HfChatTemplateBody()
    {
        string preamble = _defaultSystemWithInput is null
            ? Text(_defaultSystem + _systemSuffix)
            : "{%- set has_input = namespace(found=false) %}"
              + ForMessages(If(Role + " == " + Literal(ChatRoles.User) + " and " + Literal(DatasetReader.AlpacaInputSeparator) + " in " + Content,
                  "{%- set has_input.found = true %}"))
              + If("has_input.found", Text(_defaultSystemWithInput + _systemSuffix), Text(_defaultSystem + _systemSuffix));
        return Text(_bos)
             + (_defaultSystem.Length > 0 ? If(NoSystemFirst, preamble) : "")
             + ForMessages(ByRole(
                   Output(Content, Literal(_systemSuffix)),
                   Output(Literal(_userPrefix), Content, Literal(_userSuffix)),
                   Output(Literal(_assistantPrefix), Content, Literal(_eos + _assistantSuffix))))
             + If("add_generation_prompt", Text(_assistantPrefix));
    }
}
