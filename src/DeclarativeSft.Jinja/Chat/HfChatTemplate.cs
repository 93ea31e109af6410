using System.Text.Json;
using DeclarativeSft.Jinja.Runtime;

namespace DeclarativeSft.Jinja;

/// <summary>
/// A model's own chat template from its Hugging Face <c>tokenizer_config.json</c>, rendered the way transformers'
/// <c>apply_chat_template(..., tokenize=False)</c> does: Jinja with <c>trim_blocks</c> and <c>lstrip_blocks</c>,
/// and a context of <c>messages</c>, <c>add_generation_prompt</c>, <c>tools=None</c>, <c>documents=None</c> and the
/// tokenizer's special tokens (<c>bos_token</c>, <c>eos_token</c>, ... — only those that are set).
/// The template is parsed once; <see cref="Render"/> is cheap and thread-safe.
/// </summary>
public sealed class HfChatTemplate
{
    private static readonly string[] SpecialTokenKeys =
        ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"];

    private readonly Dictionary<string, object?> _baseContext;

    private HfChatTemplate(JinjaTemplate template, IReadOnlyDictionary<string, string> specialTokens, List<object?> additionalSpecialTokens)
    {
        Template = template;
        SpecialTokens = specialTokens;
        _baseContext = new Dictionary<string, object?>();
        foreach (var (k, v) in specialTokens) _baseContext[k] = v;
        if (additionalSpecialTokens.Count > 0) _baseContext["additional_special_tokens"] = additionalSpecialTokens;
    }

    /// <summary>The parsed Jinja template.</summary>
    public JinjaTemplate Template { get; }

    /// <summary>The set special tokens by name (<c>bos_token</c>, <c>eos_token</c>, ...), as strings.</summary>
    public IReadOnlyDictionary<string, string> SpecialTokens { get; }

    /// <summary>The <c>bos_token</c>, or null when the tokenizer has none (then the template sees it undefined).</summary>
    public string? BosToken => SpecialTokens.GetValueOrDefault("bos_token");

    /// <summary>The <c>eos_token</c>, or null when the tokenizer has none.</summary>
    public string? EosToken => SpecialTokens.GetValueOrDefault("eos_token");

    /// <summary>
    /// Loads from a tokenizer_config.json: <c>chat_template</c> (a string, or a list of <c>{name, template}</c> of which
    /// "default" is used; when absent, a <c>chat_template.jinja</c> beside the file), and the special tokens (strings
    /// or AddedToken objects <c>{"content": ...}</c>).
    /// </summary>
    /// <exception cref="ChatTemplateConfigException">The file is missing, is not valid JSON, or has no chat template.</exception>
    /// <exception cref="JinjaException">The template does not parse (with template line and column).</exception>
    public static HfChatTemplate FromTokenizerConfig(string tokenizerConfigJsonPath)
    {
        if (!File.Exists(tokenizerConfigJsonPath))
            throw new ChatTemplateConfigException($"{tokenizerConfigJsonPath}: file not found (expected a Hugging Face tokenizer_config.json)");
        string beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(tokenizerConfigJsonPath)) ?? ".", "chat_template.jinja");
        return FromTokenizerConfigText(File.ReadAllText(tokenizerConfigJsonPath), tokenizerConfigJsonPath,
            File.Exists(beside) ? File.ReadAllText(beside) : null, beside);
    }

    /// <summary>
    /// As <see cref="FromTokenizerConfig"/>, from the file's text (the source generator reads no files: it is handed
    /// the text). <paramref name="chatTemplateJinja"/> is the text of a <c>chat_template.jinja</c> beside it, if any.
    /// </summary>
    public static HfChatTemplate FromTokenizerConfigText(string json, string tokenizerConfigJsonPath, string? chatTemplateJinja = null,
        string chatTemplateJinjaPath = "chat_template.jinja")
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e)
        {
            throw new ChatTemplateConfigException($"{tokenizerConfigJsonPath}:{(e.LineNumber ?? 0) + 1}: not valid JSON: {e.Message}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ChatTemplateConfigException($"{tokenizerConfigJsonPath}: expected a JSON object at the top level");
            string source = ReadTemplate(root, tokenizerConfigJsonPath, chatTemplateJinja, chatTemplateJinjaPath, out string sourceName);

            var special = new Dictionary<string, string>();
            foreach (var key in SpecialTokenKeys)
                if (root.TryGetProperty(key, out var tok) && TokenContent(tok) is { Length: > 0 } content) special[key] = content;
            var additional = new List<object?>();
            if (root.TryGetProperty("additional_special_tokens", out var extra) && extra.ValueKind == JsonValueKind.Array)
                foreach (var t in extra.EnumerateArray())
                    if (TokenContent(t) is { } c) additional.Add(c);

            JinjaTemplate template;
            try { template = JinjaTemplate.Parse(source, JinjaOptions.ChatTemplate, sourceName); }
            catch (JinjaLimitException) { throw; } // already names the file and the limit
            catch (JinjaException e)
            {
                throw new JinjaException($"{tokenizerConfigJsonPath}: chat_template: {e.Reason}", e.TemplateLine, e.TemplateColumn, e);
            }
            return new HfChatTemplate(template, special, additional);
        }
    }

    /// <summary>Loads from a tokenizer directory (its tokenizer_config.json) or directly from that file.</summary>
    public static HfChatTemplate Load(string fileOrDirectory) =>
        FromTokenizerConfig(Directory.Exists(fileOrDirectory) ? Path.Combine(fileOrDirectory, "tokenizer_config.json") : fileOrDirectory);

    /// <summary>Uses a template given as text, with the special tokens given (null ones are left undefined).</summary>
    public static HfChatTemplate FromTemplate(string template, string? bosToken = null, string? eosToken = null,
        IReadOnlyDictionary<string, string>? otherSpecialTokens = null)
    {
        var special = new Dictionary<string, string>();
        if (bosToken is not null) special["bos_token"] = bosToken;
        if (eosToken is not null) special["eos_token"] = eosToken;
        if (otherSpecialTokens is not null) foreach (var (k, v) in otherSpecialTokens) special[k] = v;
        return new HfChatTemplate(JinjaTemplate.Parse(template, JinjaOptions.ChatTemplate), special, new List<object?>());
    }

    private static string ReadTemplate(JsonElement root, string path, string? beside, string besidePath, out string sourceName)
    {
        sourceName = path;
        if (root.TryGetProperty("chat_template", out var ct) && ct.ValueKind != JsonValueKind.Null)
        {
            if (ct.ValueKind == JsonValueKind.String) return ct.GetString()!;
            if (ct.ValueKind == JsonValueKind.Array)
            {
                var names = new List<string>();
                foreach (var item in ct.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String
                        || !item.TryGetProperty("template", out var t) || t.ValueKind != JsonValueKind.String)
                        throw new ChatTemplateConfigException($"{path}: chat_template list entries must be {{\"name\": string, \"template\": string}}");
                    if (n.GetString() == "default") return t.GetString()!;
                    names.Add(n.GetString()!);
                }
                throw new ChatTemplateConfigException(
                    $"{path}: chat_template has no template named \"default\" (it has: {string.Join(", ", names)})");
            }
            throw new ChatTemplateConfigException($"{path}: chat_template must be a string or a list of {{name, template}}");
        }
        sourceName = besidePath;
        if (beside is not null) return beside;
        throw new ChatTemplateConfigException(
            $"{path}: no chat_template (and no chat_template.jinja beside it); this tokenizer does not define a chat format — " +
            "choose a named template in the recipe or supply one");
    }

    private static string? TokenContent(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Object when e.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
        _ => null,
    };

    /// <summary>
    /// Renders a conversation. <paramref name="extraContext"/> adds or overrides template variables (e.g.
    /// <c>enable_thinking</c>, <c>tools</c>); its values may be anything <see cref="JinjaTemplate.Render"/> accepts.
    /// </summary>
    /// <exception cref="JinjaException">The template raised (e.g. <c>raise_exception</c> for bad role order) or failed.</exception>
    public string Render(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt, IReadOnlyDictionary<string, object?>? extraContext = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = new List<object?>(messages.Count);
        foreach (var m in messages)
            list.Add(new OrderedDictionary<string, object?> { ["role"] = m.Role, ["content"] = m.Content });
        return RenderValues(list, addGenerationPrompt, extraContext);
    }

    /// <summary>
    /// Renders messages given as dictionaries (for fields beyond role/content such as <c>reasoning_content</c> or
    /// <c>tool_calls</c>).
    /// </summary>
    public string Render(IReadOnlyList<IReadOnlyDictionary<string, object?>> messages, bool addGenerationPrompt,
        IReadOnlyDictionary<string, object?>? extraContext = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = new List<object?>(messages.Count);
        foreach (var m in messages) list.Add(Values.FromDotNet(m));
        return RenderValues(list, addGenerationPrompt, extraContext);
    }

    private string RenderValues(List<object?> messages, bool addGenerationPrompt, IReadOnlyDictionary<string, object?>? extraContext)
    {
        var context = new Dictionary<string, object?>(_baseContext)
        {
            ["messages"] = messages,
            ["tools"] = null,
            ["documents"] = null,
            ["add_generation_prompt"] = addGenerationPrompt,
        };
        if (extraContext is not null)
            foreach (var (k, v) in extraContext) context[k] = Values.FromDotNet(v);
        return Template.RenderConverted(context);
    }
}
