using DeclarativeSft.Jinja;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Data;

/// <summary>Creates the template a recipe names (<c>template.format</c>).</summary>
public static class ChatTemplates
{
    /// <summary>The named formats, as spelled in recipes.</summary>
    public static readonly IReadOnlyList<string> NamedFormats = ["chatml", "llama3", "alpaca", "human-assistant"];

    /// <summary>A named format. <c>alpaca</c> and <c>human-assistant</c> take BOS/EOS from <paramref name="tokenizer"/>.</summary>
    public static ChatTemplate Named(string format, ITokenizer tokenizer) => format switch
    {
        "chatml" => new ChatMlTemplate(),
        "llama3" => new Llama3Template(),
        "alpaca" => PlainTextTemplate.Alpaca(BosText(tokenizer), EosText(tokenizer)),
        "human-assistant" => PlainTextTemplate.HumanAssistant(BosText(tokenizer), EosText(tokenizer)),
        _ => throw new ChatTemplateException(
            $"unknown template.format '{format}'; use chatml, llama3, alpaca, human-assistant, custom or from-tokenizer"),
    };

    /// <summary>The model's own Jinja template from its tokenizer_config.json.</summary>
    public static JinjaChatTemplate FromTokenizerConfig(string tokenizerConfigPath)
    {
        HfChatTemplate hf;
        try
        {
            hf = HfChatTemplate.FromTokenizerConfig(tokenizerConfigPath);
        }
        catch (JinjaException e)
        {
            throw new ChatTemplateException($"template.format from-tokenizer: {e.Message}");
        }
        return FromHf(hf, tokenizerConfigPath);
    }

    /// <summary>The model's own Jinja template from the text of its tokenizer_config.json (the build has the text,
    /// not the file). <paramref name="tokenizerConfigPath"/> names it in errors.</summary>
    /// <exception cref="JinjaException">The template does not parse (with its line and column in the template).</exception>
    /// <exception cref="ChatTemplateConfigException">The JSON is unreadable or has no chat_template.</exception>
    public static JinjaChatTemplate FromTokenizerConfigText(string json, string tokenizerConfigPath) =>
        FromHf(HfChatTemplate.FromTokenizerConfigText(json, tokenizerConfigPath), tokenizerConfigPath);

    /// <summary>Wraps a loaded <see cref="HfChatTemplate"/>; <paramref name="name"/> appears in errors.</summary>
    public static JinjaChatTemplate FromHf(HfChatTemplate template, string name)
    {
        var special = new List<string>();
        if (template.BosToken != null) special.Add(template.BosToken);
        if (template.EosToken != null) special.Add(template.EosToken);
        return new JinjaChatTemplate(name,
            (messages, prompt) => template.Render(messages.Select(m => new ChatTurn(m.Role, m.Content)).ToList(), prompt),
            special, template.Template.Source);
    }

    private static string? BosText(ITokenizer tokenizer) =>
        tokenizer.BosTokenId is int id ? tokenizer.IdToToken(id) : null;

    private static string EosText(ITokenizer tokenizer) =>
        tokenizer.EosTokenId is int id ? tokenizer.IdToToken(id) ?? "" : "";
}
