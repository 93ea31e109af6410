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
}

/// <summary>A template that cannot be used to build loss masks (e.g. a Jinja template whose renderings of
/// successive prefixes of a conversation are not prefixes of each other).</summary>
public sealed class ChatTemplateException(string message) : UserErrorException(message);
