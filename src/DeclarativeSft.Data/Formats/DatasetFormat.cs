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

/// <summary>Recipe spellings of <see cref="DatasetFormat"/>.</summary>
public static class DatasetFormats
{
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
