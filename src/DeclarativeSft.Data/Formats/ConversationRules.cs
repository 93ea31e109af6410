namespace DeclarativeSft.Data;

/// <summary>The turn order every training conversation must follow: an optional system message first,
/// then user and assistant alternating, starting with user and ending with assistant. Chat templates
/// (and the Jinja templates of real models) assume this order, so it is checked when data is read.</summary>
public static class ConversationRules
{
    /// <summary>A description of the first order problem with a fix hint, or null when the order is valid.</summary>
    public static string? FindOrderProblem(IReadOnlyList<ChatMessage> messages) => FindOrderProblem(messages, out _);

    /// <summary>As <see cref="FindOrderProblem(IReadOnlyList{ChatMessage})"/>; <paramref name="messageIndex"/> is the
    /// message at fault (-1 when the conversation as a whole is: it is empty).</summary>
    public static string? FindOrderProblem(IReadOnlyList<ChatMessage> messages, out int messageIndex)
    {
        messageIndex = -1;
        if (messages.Count == 0) return "the conversation has no messages; add a user and an assistant message";
        int start = messages[0].Role == ChatRoles.System ? 1 : 0;
        for (int i = start; i < messages.Count; i++)
        {
            string expected = (i - start) % 2 == 0 ? ChatRoles.User : ChatRoles.Assistant;
            string role = messages[i].Role;
            if (role == expected) continue;
            messageIndex = i;
            if (role == ChatRoles.System)
                return $"wrong order: message {i + 1} is a system message; only the first message may be system";
            return $"wrong order: message {i + 1} is {role} but {expected} was expected (after an optional system message, user and assistant must alternate, starting with user)";
        }
        messageIndex = messages.Count - 1;
        if (messages.Count == start)
            return "the conversation has only a system message; add a user and an assistant message";
        if (messages[messages.Count - 1].Role != ChatRoles.Assistant)
            return "wrong order: the conversation ends with a user message; the last message must be the assistant's (there is nothing to train after it)";
        messageIndex = -1;
        return null;
    }
}
