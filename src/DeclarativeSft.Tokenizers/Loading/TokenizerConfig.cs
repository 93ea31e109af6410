using System.Text.Json;

namespace DeclarativeSft.Tokenizers.Loading;

/// <summary>The parts of tokenizer_config.json that tokenization needs (the chat template is the Jinja
/// project's business). Token fields may be strings or AddedToken objects with a <c>content</c>.</summary>
internal sealed record TokenizerConfig(
    string? BosToken,
    string? EosToken,
    string? PadToken,
    bool? CleanUpTokenizationSpaces,
    IReadOnlyList<string> AdditionalSpecialTokens)
{
    public static TokenizerConfig Parse(JsonElement root)
    {
        var additional = new List<string>();
        if (root.TryGetProperty("additional_special_tokens", out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var item in list.EnumerateArray())
                if (TokenText(item) is { } t) additional.Add(t);
        bool? cleanUp = root.TryGetProperty("clean_up_tokenization_spaces", out var c) && c.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? c.GetBoolean()
            : null;
        return new TokenizerConfig(Token(root, "bos_token"), Token(root, "eos_token"), Token(root, "pad_token"), cleanUp, additional);
    }

    private static string? Token(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? TokenText(value) : null;

    private static string? TokenText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object when value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String => content.GetString(),
        _ => null,
    };
}
