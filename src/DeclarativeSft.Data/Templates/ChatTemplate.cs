namespace DeclarativeSft.Data;

/// <summary>
/// Turns a conversation into the text a model is trained on, keeping the structure: which characters are
/// which message's content, which are template markup and which close an assistant turn. Loss masks are
/// built from that structure (see <see cref="LossMasker"/>), never by searching the text for markers.
/// </summary>
public abstract class ChatTemplate
{
    /// <summary>The name used in errors and in the inspection view (<c>chatml</c>, <c>custom</c>, a config path…).</summary>
    public abstract string Name { get; }

    /// <summary>Special-token strings this template writes into the text. A tokenizer must know each of them as
    /// one token (e.g. <c>builtin:bytes</c> appends them to its vocabulary).</summary>
    public virtual IReadOnlyList<string> SpecialTokens => [];

    /// <summary>Renders <paramref name="messages"/>; with <paramref name="addGenerationPrompt"/> the text ends with
    /// the opening of an assistant turn, as at inference.</summary>
    public abstract RenderedConversation Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = false);

    /// <summary>
    /// This template as a Hugging Face <c>chat_template</c> (Jinja over <c>messages</c> and <c>add_generation_prompt</c>)
    /// whose rendering of a conversation is exactly <see cref="Render"/>'s text for that conversation with
    /// <paramref name="defaultSystem"/> put first when it has no system message (the recipe's <c>template.system</c>,
    /// as <see cref="Conversation.WithDefaultSystem"/> applies it in training). Written into exported tokenizer_config.json
    /// files, so inference prompts the model the way it was trained.
    /// </summary>
    /// <exception cref="ChatTemplateException">The template has no Jinja form.</exception>
    public string ToHfChatTemplate(string? defaultSystem = null) =>
        HfChatTemplateText.DefaultSystemPrelude(defaultSystem) + (HfChatTemplateBody()
            ?? throw new ChatTemplateException($"template {Name} cannot be written as a Hugging Face chat_template"));

    /// <summary>The Jinja source of <see cref="ToHfChatTemplate"/> without the default-system prelude; null when there is none.</summary>
    protected virtual string? HfChatTemplateBody() => null;
}

/// <summary>A template that cannot be used to build loss masks (e.g. a Jinja template whose renderings of
/// successive prefixes of a conversation are not prefixes of each other).</summary>
public sealed class ChatTemplateException(string message) : UserErrorException(message);
