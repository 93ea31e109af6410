using System.Diagnostics;
using System.Text;
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
        string oracles = Path.Combine(ShippedRecipes.RepoRoot, "tests", "oracles");
        Assert.True(Directory.Exists(Path.Combine(oracles, "node_modules", "@huggingface", "tokenizers")),
            $"the Hugging Face JS oracles are not installed: run `npm ci` in {oracles}");
        var request = new JsonObject
        {
            ["dir"] = dir,
            ["texts"] = new JsonArray(texts.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
            ["messages"] = new JsonArray(messages.Select(m => (JsonNode?)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()),
        };
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false), StandardOutputEncoding = new UTF8Encoding(false),
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Oracle", "hf_tokenizer_files.mjs"));
        psi.ArgumentList.Add(oracles);
        Process process;
        try { process = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException("node (v18+) is needed for the Hugging Face JS oracle: " + e.Message); }
        using (process)
        {
            process.StandardInput.Write(request.ToJsonString());
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"oracle failed: {stderr.Result}");
            return JsonNode.Parse(stdout)!;
        }
    }
}
