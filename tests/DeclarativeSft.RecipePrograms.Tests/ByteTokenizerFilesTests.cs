using System.Text.Json.Nodes;
using DeclarativeSft.Data;
using DeclarativeSft.Runtime.Export;
using DeclarativeSft.Runtime.Session;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>
/// A from-scratch model is exported with tokenizer files written for its builtin:bytes tokenizer. Hugging Face's own
/// JS tokenizer and Jinja (tests/oracles) must read them back to exactly the ids and chat text the model trained on.
/// </summary>
public class ByteTokenizerFilesTests
{
    [Fact]
    public void Exported_byte_tokenizer_files_give_the_training_ids_and_chat_text_in_huggingface_js()
    {
        var template = new ChatMlTemplate();
        var tokenizer = new ByteTokenizer(template.SpecialTokens, eosToken: RecipeTextPipeline.ByteTokenizerEos);
        using var temp = new TempFolder();
        foreach (var (name, content) in ByteTokenizerFiles.Create(tokenizer, template))
            File.WriteAllText(Path.Combine(temp.Path, name), content);
        string[] texts =
        [
            "def backwards(text):\n    return text[::-1]",
            "tab\there, crlf\r\n, nul\0, del\u007f, héllo wörld ✓ 日本 🙂",
            "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<|endoftext|>",
        ];
        var messages = new List<ChatMessage> { new("system", "Be brief."), new("user", "Write `clip(x)`.") };

        var oracle = RunOracle(temp.Path, texts, messages);

        for (int i = 0; i < texts.Length; i++)
            Assert.Equal(tokenizer.Encode(texts[i]), oracle["ids"]![i]!.AsArray().Select(n => (int)n!).ToArray());
        Assert.Equal(template.Render(messages, addGenerationPrompt: true).Text, (string)oracle["chat"]!);
    }

    private static JsonNode RunOracle(string dir, string[] texts, List<ChatMessage> messages)
    {
        NodeOracle.Package("@huggingface/tokenizers");
        var request = new JsonObject
        {
            ["dir"] = dir,
            ["texts"] = new JsonArray(texts.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
            ["messages"] = new JsonArray(messages.Select(m => (JsonNode?)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()),
        };
        return JsonNode.Parse(NodeOracle.Run("hf_tokenizer_files.mjs", [RepoPaths.Oracles], request.ToJsonString()))!;
    }
}
