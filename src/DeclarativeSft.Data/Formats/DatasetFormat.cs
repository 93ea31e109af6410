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
}

/// <summary>Recipe spellings of <see cref="DatasetFormat"/>, and what each layout looks like.</summary>
public static class DatasetFormats
{
    /// <summary>The recipe spelling of <paramref name="format"/>.</summary>
    public static string NameOf(DatasetFormat format) => format switch
    {
        DatasetFormat.Messages => "messages",
        DatasetFormat.ShareGpt => "sharegpt",
        DatasetFormat.Alpaca => "alpaca",
        DatasetFormat.PromptCompletion => "prompt_completion",
        _ => "user_assistant",
    };

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
        _ => "{\"User\": \"…\", \"Assistant\": \"…\", \"Template\": \"optional system text\"}",
    };

    public static DatasetFormat Parse(string name) => name switch
    {
        "messages" => DatasetFormat.Messages,
        "sharegpt" => DatasetFormat.ShareGpt,
        "alpaca" => DatasetFormat.Alpaca,
        "prompt_completion" => DatasetFormat.PromptCompletion,
        "user_assistant" => DatasetFormat.UserAssistant,
        _ => throw new ArgumentException(
            $"unknown data format '{name}'; use one of messages, sharegpt, alpaca, prompt_completion, user_assistant"),
    };
}
