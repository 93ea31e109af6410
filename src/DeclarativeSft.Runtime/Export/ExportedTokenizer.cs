using System.Text.Json;
using System.Text.Json.Nodes;
using DeclarativeSft.Data;
using DeclarativeSft.Tokenizers;
using DeclarativeSft.Tokenizers.Writing;

namespace DeclarativeSft.Runtime.Export;

/// <summary>
/// The tokenizer files every export of a recipe carries (adapter/, merged/, full/, <c>sft merge --recipe</c>), so that
/// transformers, vLLM and <c>sft</c> prompt and tokenize the model the way it was trained:
/// <list type="bullet">
/// <item><c>tokenizer.json</c>: the recipe's tokenizer, including every token the recipe added (special, at the id
/// training used).</item>
/// <item><c>tokenizer_config.json</c>: the base's, with <c>chat_template</c> = the recipe's template
/// (<see cref="ChatTemplate.ToHfChatTemplate"/>, default system prompt included), <c>eos_token</c> = the assistant's
/// end-of-turn token, and the added tokens in <c>added_tokens_decoder</c>.</item>
/// <item><c>generation_config.json</c>: <c>eos_token_id</c> = [end-of-turn id, the base's EOS ids…], so generation
/// stops where the model learned to stop.</item>
/// <item><c>special_tokens_map.json</c> (when the base has one) with the same <c>eos_token</c>.</item>
/// </list>
/// The files assume what transformers' <c>apply_chat_template</c> does: the rendered text is tokenized with
/// <c>add_special_tokens=False</c>, so any BOS comes from the template text (as in training), never from the
/// tokenizer's post-processor. Files of the base that would contradict these are left out: <c>chat_template.jinja</c>
/// (transformers prefers it over tokenizer_config.json's template) always, and the slow-tokenizer files
/// (<c>tokenizer.model</c>, <c>vocab.json</c>, <c>merges.txt</c>, <c>added_tokens.json</c>) when tokens were added.
/// </summary>
public sealed class ExportedTokenizer
{
    private static readonly string[] SlowTokenizerFiles = ["tokenizer.model", "vocab.json", "merges.txt", "added_tokens.json"];

    private readonly Dictionary<string, string> _files;
    private readonly Dictionary<string, string> _copies;

    private ExportedTokenizer(Dictionary<string, string> files, Dictionary<string, string> copies, IReadOnlyList<string> notes,
        string? endOfTurn)
    {
        (_files, _copies, Notes, EndOfTurnToken) = (files, copies, notes, endOfTurn);
    }

    /// <summary>File name → content of the files written (tokenizer.json, tokenizer_config.json, generation_config.json, …).</summary>
    public IReadOnlyDictionary<string, string> Files => _files;

    /// <summary>What the export left out or could not set, one line each, for the user.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The assistant's end-of-turn token written as eos_token, or null when the marker is not one token.</summary>
    public string? EndOfTurnToken { get; }

    /// <summary>The exported tokenizer_config.json's text.</summary>
    public string TokenizerConfigJson => _files["tokenizer_config.json"];

    /// <summary>The exported tokenizer.json's text.</summary>
    public string TokenizerJson => _files["tokenizer.json"];

    /// <summary>The files for a model trained with <paramref name="tokenizer"/> and <paramref name="template"/>.</summary>
    /// <param name="defaultSystem">The recipe's <c>template.system</c> (null: none).</param>
    public static ExportedTokenizer Create(ITokenizer tokenizer, ChatTemplate template, string? defaultSystem)
    {
        var files = new Dictionary<string, string>();
        var copies = new Dictionary<string, string>();
        var notes = new List<string>();
        string? folder = null;
        IReadOnlyList<(int Id, string Content)> added = [];
        JsonObject config;
        switch (tokenizer)
        {
            case ByteTokenizer bytes:
                var byteFiles = ByteTokenizerFiles.Create(bytes, template);
                files["tokenizer.json"] = byteFiles["tokenizer.json"];
                config = ParseObject(byteFiles["tokenizer_config.json"], "tokenizer_config.json");
                break;
            case HfTokenizer hf:
                folder = Path.GetDirectoryName(Path.GetFullPath(hf.SourcePath))!;
                files["tokenizer.json"] = TokenizerJsonWriter.WithAddedTokens(File.ReadAllText(hf.SourcePath), hf, out added);
                var configPath = Path.Combine(folder, "tokenizer_config.json");
                config = File.Exists(configPath)
                    ? ParseObject(File.ReadAllText(configPath), configPath)
                    : new JsonObject { ["tokenizer_class"] = "PreTrainedTokenizerFast" };
                break;
            default:
                throw new InvalidDataException($"cannot export tokenizer files for a {tokenizer.GetType().Name}");
        }

        config["chat_template"] = template.ToHfChatTemplate(defaultSystem);
        var (endOfTurn, endOfTurnId) = EndOfTurn(tokenizer, template);
        if (endOfTurn is not null) config["eos_token"] = endOfTurn;
        else notes.Add($"the assistant's end-of-turn marker of template {template.Name} is not a single token of this tokenizer, so eos_token stays the base's; " +
                       "give generation a stop string for it, or use a template whose markers the vocabulary has");
        if (added.Count > 0)
        {
            var decoder = config["added_tokens_decoder"] as JsonObject ?? new JsonObject();
            config["added_tokens_decoder"] = decoder;
            foreach (var (id, content) in added)
                decoder[id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
                {
                    ["content"] = content, ["lstrip"] = false, ["normalized"] = false, ["rstrip"] = false, ["single_word"] = false, ["special"] = true,
                };
        }
        files["tokenizer_config.json"] = TokenizerJsonWriter.Serialize(config);

        var generationPath = folder is null ? null : Path.Combine(folder, "generation_config.json");
        var generation = generationPath is not null && File.Exists(generationPath)
            ? ParseObject(File.ReadAllText(generationPath), generationPath)
            : new JsonObject();
        if (endOfTurnId is int eot)
        {
            var stops = new List<int> { eot };
            stops.AddRange(Ids(generation["eos_token_id"]));
            if (tokenizer.EosTokenId is int eos) stops.Add(eos);
            generation["eos_token_id"] = new JsonArray(stops.Distinct().Select(i => (JsonNode)i).ToArray());
            if (generation["bos_token_id"] is null && tokenizer.BosTokenId is int bos) generation["bos_token_id"] = bos;
        }
        if (generation.Count > 0) files["generation_config.json"] = TokenizerJsonWriter.Serialize(generation);

        if (folder is not null)
        {
            var mapPath = Path.Combine(folder, "special_tokens_map.json");
            if (File.Exists(mapPath))
            {
                var map = ParseObject(File.ReadAllText(mapPath), mapPath);
                if (endOfTurn is not null) map["eos_token"] = endOfTurn;
                files["special_tokens_map.json"] = TokenizerJsonWriter.Serialize(map);
            }
            foreach (var name in SlowTokenizerFiles)
            {
                var path = Path.Combine(folder, name);
                if (!File.Exists(path)) continue;
                if (added.Count == 0) copies[name] = path;
                else notes.Add($"{name} of {folder} is left out: it does not know the {added.Count} token(s) the recipe added (tokenizer.json does)");
            }
            if (File.Exists(Path.Combine(folder, "chat_template.jinja")))
                notes.Add($"chat_template.jinja of {folder} is left out: the recipe's chat_template is in tokenizer_config.json");
        }
        return new ExportedTokenizer(files, copies, notes, endOfTurn);
    }

    /// <summary>Writes the files into <paramref name="folder"/> (a folder being assembled by <see cref="ExportFolder"/>).</summary>
    public void WriteInto(string folder)
    {
        foreach (var (name, content) in _files) AtomicFile.WriteAllText(Path.Combine(folder, name), content);
        foreach (var (name, source) in _copies) File.Copy(source, Path.Combine(folder, name), overwrite: true);
    }

    /// <summary>The text and id of the token that closes an assistant turn, when that marker is exactly one token.</summary>
    private static (string? Text, int? Id) EndOfTurn(ITokenizer tokenizer, ChatTemplate template)
    {
        RenderedConversation probe;
        try { probe = template.Render([new ChatMessage(ChatRoles.User, "x"), new ChatMessage(ChatRoles.Assistant, "y")]); }
        catch (ChatTemplateException) { return (null, null); }
        foreach (var span in probe.Spans)
        {
            if (span.Kind != SpanKind.EndOfTurn || span.Role != ChatRoles.Assistant) continue;
            var text = probe.TextOf(span);
            var ids = tokenizer.Encode(text, addSpecialTokens: false);
            if (ids.Length == 1 && tokenizer.IdToToken(ids[0]) == text) return (text, ids[0]);
        }
        return (null, null);
    }

    private static IEnumerable<int> Ids(JsonNode? node) => node switch
    {
        JsonArray a => a.Select(n => n is JsonValue v && v.TryGetValue<int>(out var i) ? (int?)i : null).Where(i => i is not null).Select(i => i!.Value),
        JsonValue v when v.TryGetValue<int>(out var i) => [i],
        _ => [],
    };

    private static JsonObject ParseObject(string json, string path)
    {
        try
        {
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true }) as JsonObject
                ?? throw new UserErrorException($"{path}: expected a JSON object; restore the file of the checkpoint.");
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"{path}: not valid JSON ({e.Message}); restore the file of the checkpoint.");
        }
    }
}
