using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeclarativeSft.Cli.Tests.Infrastructure;

/// <summary>One rendering by @huggingface/jinja: the text, or the error the template raised.</summary>
public sealed record OracleRendering(bool Ok, string? Text, string? Error);

/// <summary>What @huggingface/tokenizers makes of a batch of texts and id lists.</summary>
public sealed record OracleTokenization(int[][] Plain, int[][] Special, string[] Decoded, string[] DecodedSkip);

/// <summary>
/// Hugging Face's own JavaScript implementations, run by node (tests/oracles/render_chat.cjs and tokenize.mjs, see
/// <see cref="NodeOracle"/>): the independent reference that the CLI's output is compared with.
/// </summary>
public static class HfJsOracle
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Renders each conversation with the chat template of <paramref name="tokenizerConfigPath"/>.</summary>
    public static IReadOnlyList<OracleRendering> RenderChats(string tokenizerConfigPath, JsonArray conversations, bool addGenerationPrompt)
    {
        NodeOracle.Package("@huggingface/jinja");
        var request = new JsonObject
        {
            ["config"] = tokenizerConfigPath,
            ["addGenerationPrompt"] = addGenerationPrompt,
            ["conversations"] = conversations.DeepClone(),
        };
        string stdout = RunNode("render_chat.cjs", request.ToJsonString());
        var results = JsonSerializer.Deserialize<List<OracleRendering>>(stdout, Json)!;
        Assert.Equal(conversations.Count, results.Count);
        return results;
    }

    /// <summary>Encodes <paramref name="texts"/> (with and without special tokens) and decodes <paramref name="decode"/>.</summary>
    public static OracleTokenization Tokenize(string tokenizerDir, IReadOnlyList<string> texts, IReadOnlyList<int[]> decode)
    {
        NodeOracle.Package("@huggingface/tokenizers");
        var request = new JsonObject
        {
            ["tokenizer"] = tokenizerDir,
            ["texts"] = new JsonArray(texts.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
            ["decode"] = new JsonArray(decode.Select(ids => (JsonNode?)new JsonArray(ids.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray())).ToArray()),
        };
        return JsonSerializer.Deserialize<OracleTokenization>(RunNode("tokenize.mjs", request.ToJsonString()), Json)!;
    }

    private static string RunNode(string script, string stdin) =>
        NodeOracle.Run(script, [RepoPaths.Oracles], stdin, TimeSpan.FromSeconds(120));
}
