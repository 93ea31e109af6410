namespace DeclarativeSft.Data;

/// <summary>A training example as read from a data file: its messages and where it came from,
/// so that every later error (too long, nothing to train) can name <c>file:line</c>.</summary>
/// <param name="Messages">The messages in order, as read (roles normalised).</param>
/// <param name="SourceFile">The data file the example was read from.</param>
/// <param name="SourceLine">1-based line number in <paramref name="SourceFile"/>.</param>
public sealed record Conversation(IReadOnlyList<ChatMessage> Messages, string SourceFile, int SourceLine)
{
    /// <summary><c>file:line</c>, the way errors and the inspection view refer to an example.</summary>
    public string Location => $"{SourceFile}:{SourceLine}";

    /// <summary>The top-level field names of the data line, in order ("messages, id"): the dataset checks compare
    /// lines' layouts without parsing them again.</summary>
    public string Layout { get; init; } = "";

    /// <summary>Returns this conversation with <paramref name="systemPrompt"/> as its first message when it
    /// has no system message (the recipe's <c>template.system</c> default); unchanged otherwise.</summary>
    public Conversation WithDefaultSystem(string? systemPrompt)
    {
        if (string.IsNullOrEmpty(systemPrompt) || (Messages.Count > 0 && Messages[0].Role == ChatRoles.System))
            return this;
        var messages = new List<ChatMessage>(Messages.Count + 1) { new(ChatRoles.System, systemPrompt!) };
        messages.AddRange(Messages);
        return this with { Messages = messages };
    }
}
