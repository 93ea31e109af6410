using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeclarativeSft.Tokenizers.Writing;

/// <summary>
/// Writes a Hugging Face <c>tokenizer.json</c> for an <see cref="HfTokenizer"/> grown with
/// <see cref="HfTokenizer.AddSpecialTokens"/>: the file it was loaded from, with every token it now has as an added
/// token listed in <c>added_tokens</c> (special, matched in raw text, never split), at the id it encodes to. The rest
/// of the file is kept byte for byte as JSON values (scores, merges, normalizer), so the written tokenizer encodes
/// every text exactly as the grown one does.
/// </summary>
public static class TokenizerJsonWriter
{
    /// <summary>The text of <paramref name="tokenizer"/>'s tokenizer.json (<paramref name="sourceJson"/>, the file it was
    /// loaded from) with its run-time additions; <paramref name="added"/> gets the tokens that were not in the file.</summary>
    /// <exception cref="TokenizerLoadException"><paramref name="sourceJson"/> is not a tokenizer.json object.</exception>
    public static string WithAddedTokens(string sourceJson, HfTokenizer tokenizer, out IReadOnlyList<(int Id, string Content)> added)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(sourceJson, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true }) as JsonObject
                ?? throw new TokenizerLoadException(tokenizer.SourcePath, "not a JSON object");
        }
        catch (JsonException e)
        {
            throw new TokenizerLoadException(tokenizer.SourcePath, $"invalid JSON: {e.Message}", e);
        }
        var entries = root["added_tokens"] as JsonArray ?? new JsonArray();
        root["added_tokens"] = entries;
        var byContent = new Dictionary<string, JsonObject>();
        foreach (var entry in entries.OfType<JsonObject>())
            if (entry["content"] is JsonValue v && v.TryGetValue<string>(out var content)) byContent[content] = entry;
        var newTokens = new List<(int, string)>();
        foreach (var token in tokenizer.AddedTokenList)
        {
            bool special = token.Special || tokenizer.IsSpecialToken(token.Id);
            if (byContent.TryGetValue(token.Content, out var existing))
            {
                if (special) existing["special"] = true;
                continue;
            }
            entries.Add(new JsonObject
            {
                ["id"] = token.Id, ["content"] = token.Content, ["single_word"] = token.SingleWord, ["lstrip"] = token.LeftStrip,
                ["rstrip"] = token.RightStrip, ["normalized"] = token.Normalized, ["special"] = special,
            });
            newTokens.Add((token.Id, token.Content));
        }
        added = newTokens;
        return Serialize(root);
    }

    /// <summary>Indented JSON with non-ASCII text kept readable (as Hugging Face writes its files).</summary>
    public static string Serialize(JsonNode node) =>
        node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
