using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeclarativeSft.Cli.Tests.Infrastructure;

/// <summary>One rendering by @huggingface/jinja: the text, or the error the template raised.</summary>
public sealed record OracleRendering(bool Ok, string? Text, string? Error);

/// <summary>What @huggingface/tokenizers makes of a batch of texts and id lists.</summary>
public sealed record OracleTokenization(int[][] Plain, int[][] Special, string[] Decoded, string[] DecodedSkip);

/// <summary>
/// Hugging Face's own JavaScript implementations, run by node from tests/oracles/node_modules (installed by
/// `npm ci` there): the independent reference that the CLI's output is compared with.
/// </summary>
public static class NodeOracle
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Renders each conversation with the chat template of <paramref name="tokenizerConfigPath"/>.</summary>
    public static IReadOnlyList<OracleRendering> RenderChats(string tokenizerConfigPath, JsonArray conversations, bool addGenerationPrompt)
    {
        RepoPaths.NodePackage("@huggingface/jinja");
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
        RepoPaths.NodePackage("@huggingface/tokenizers");
        var request = new JsonObject
        {
            ["tokenizer"] = tokenizerDir,
            ["texts"] = new JsonArray(texts.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
            ["decode"] = new JsonArray(decode.Select(ids => (JsonNode?)new JsonArray(ids.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray())).ToArray()),
        };
        return JsonSerializer.Deserialize<OracleTokenization>(RunNode("tokenize.mjs", request.ToJsonString()), Json)!;
    }

    private static string RunNode(string script, string stdin)
    {
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        psi.ArgumentList.Add(RepoPaths.OracleScript(script));
        psi.ArgumentList.Add(RepoPaths.OraclesDir);
        Process process;
        try { process = Process.Start(psi)!; }
        catch (Exception e) { throw new InvalidOperationException("Cannot start `node` (Node.js must be on PATH for the oracle tests): " + e.Message); }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
            if (!process.WaitForExit(120_000)) { process.Kill(true); throw new TimeoutException($"node {script} timed out"); }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"node {script} failed (exit {process.ExitCode}); run `npm ci` in tests/oracles if packages are missing:\n{stderr.Result}");
            return stdout.Result;
        }
    }
}
