namespace DeclarativeSft.Data;

/// <summary>The JSON-lines layouts a data file may use (recipe key <c>data.format</c>).</summary>
public enum DatasetFormat
{
    /// <summary><c>{"messages":[{"role","content","train"?}]}</c></summary>
    Messages,
    /// <summary><c>{"conversations":[{"from":"system|human|gpt","value"}]}</c></summary>
    ShareGpt,
    /// <summary><c>{"instruction","input"?,"output"}</c></summary>
    Alpaca,
    /// <summary><c>{"prompt","completion"}</c></summary>
    PromptCompletion,
    /// <summary><c>{"User","Assistant","Template"?}</c>; Template is the system text.</summary>
    UserAssistant,
    /// <summary>Any JSON value per line, in the user's own layout: the recipe's <c>data.transform</c> (a class of the
    /// recipe project) turns each line into a conversation. The build can check such lines only as JSON.</summary>
    Custom,
}

/// <summary>Recipe spellings of <see cref="DatasetFormat"/>, and what each layout looks like.</summary>
public static class DatasetFormats
{
    /// <summary>The recipe spellings of <c>data.format</c> (the recipe parser reads these).</summary>
    public static IReadOnlyList<(string Name, DatasetFormat Value)> Names { get; } =
    [
        ("messages", DatasetFormat.Messages), ("sharegpt", DatasetFormat.ShareGpt), ("alpaca", DatasetFormat.Alpaca),
        ("prompt_completion", DatasetFormat.PromptCompletion), ("user_assistant", DatasetFormat.UserAssistant),
        ("custom", DatasetFormat.Custom),
    ];

    /// <summary>The recipe spelling of <paramref name="format"/>.</summary>
    public static string NameOf(DatasetFormat format) => Names.First(f => f.Value == format).Name;

    /// <summary>The role names a line of <paramref name="format"/> may use (empty for formats without roles).</summary>
    public static IReadOnlyList<string> RolesOf(DatasetFormat format) => format switch
    {
        DatasetFormat.Messages => MessageRoles,
        DatasetFormat.ShareGpt => ShareGptRoles,
        _ => [],
    };

    private static readonly string[] MessageRoles = [ChatRoles.System, ChatRoles.User, ChatRoles.Assistant];
    private static readonly string[] ShareGptRoles = ["system", "human", "gpt"];

    /// <summary>One line of <paramref name="format"/>, for messages that show what is expected.</summary>
    public static string LayoutOf(DatasetFormat format) => format switch
    {
        DatasetFormat.Messages => "{\"messages\": [{\"role\": \"user\", \"content\": \"…\"}, {\"role\": \"assistant\", \"content\": \"…\"}]}",
        DatasetFormat.ShareGpt => "{\"conversations\": [{\"from\": \"human\", \"value\": \"…\"}, {\"from\": \"gpt\", \"value\": \"…\"}]}",
        DatasetFormat.Alpaca => "{\"instruction\": \"…\", \"input\": \"…\", \"output\": \"…\"}",
        DatasetFormat.PromptCompletion => "{\"prompt\": \"…\", \"completion\": \"…\"}",
        DatasetFormat.UserAssistant => "{\"User\": \"…\", \"Assistant\": \"…\", \"Template\": \"optional system text\"}",
        DatasetFormat.Custom => "any JSON value, e.g. {\"question\": \"…\", \"answer\": \"…\"}, that data.transform turns into a conversation",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
