using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeclarativeSft.Tokenizers.Tests.Oracle;

/// <summary>Runs tests/oracles/hf_tokenizer_oracle.mjs (Hugging Face's JS tokenizers) with a JSON request and returns its JSON answer.</summary>
public static class HfTokenizerOracle
{
    public static JsonNode Run(string mode, JsonObject request, int timeoutSeconds = 300)
    {
        NodeOracle.Package("@huggingface/tokenizers");
        string stdin = request.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        string stdout = NodeOracle.Run("hf_tokenizer_oracle.mjs", [RepoPaths.Oracles, mode], stdin,
            TimeSpan.FromSeconds(timeoutSeconds), nodeOptions: ["--max-old-space-size=4096"]);
        return JsonNode.Parse(stdout)!;
    }
}
