using System.Diagnostics;
using System.Text.Json.Nodes;

namespace DeclarativeSft.Data.Tests.Support;

/// <summary>
/// Hugging Face's @huggingface/jinja, run in one long-lived node process, as an independent renderer of chat
/// templates (tests/oracles/render_template_lines.cjs). Fails with the install command when node or the npm oracles are missing.
/// </summary>
internal sealed class JinjaOracle : IDisposable
{
    private readonly Process _node;
    private readonly object _gate = new();

    public JinjaOracle() => _node = NodeOracle.Start("render_template_lines.cjs", NodeOracle.Package("@huggingface/jinja"));

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
