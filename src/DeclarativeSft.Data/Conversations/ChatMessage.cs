namespace DeclarativeSft.Data;

/// <summary>One turn of a conversation.</summary>
/// <param name="Role">One of <see cref="ChatRoles.System"/>, <see cref="ChatRoles.User"/>, <see cref="ChatRoles.Assistant"/>.</param>
/// <param name="Content">The message text, exactly as in the data (templates decide about trimming).</param>
/// <param name="Train">Per-message override: <c>false</c> keeps an assistant turn out of the loss; null follows the mask mode.</param>
public sealed record ChatMessage(string Role, string Content, bool? Train = null);

/// <summary>The role names used throughout DeclarativeSft (the Hugging Face / OpenAI names).</summary>
public static class ChatRoles
{
    public const string System = "system";
    public const string User = "user";
    public const string Assistant = "assistant";
}
