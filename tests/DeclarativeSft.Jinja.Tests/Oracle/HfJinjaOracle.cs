using System.Text.Json.Nodes;

namespace DeclarativeSft.Jinja.Tests.Oracle;

/// <summary>One rendering by the oracle: the text, or the error it raised.</summary>
public sealed record OracleResult(bool Ok, string? Text, string? Error);

/// <summary>
/// Runs @huggingface/jinja (Hugging Face's JS Jinja, installed by npm in tests/oracles) through node on a batch of
/// templates and contexts, so one process serves a whole test class. The script is the one every Jinja oracle of the
/// suite uses (tests/oracles/render_template_lines.cjs: one request per line in, one reply per line out).
/// </summary>
public static class HfJinjaOracle
{
    public static IReadOnlyList<OracleResult> Render(IReadOnlyList<(string Template, JsonObject Context)> cases)
    {
        var input = string.Concat(cases.Select(c => new JsonObject { ["template"] = c.Template, ["context"] = c.Context.DeepClone() }.ToJsonString() + "\n"));
        string stdout = NodeOracle.Run("render_template_lines.cjs", [NodeOracle.Package("@huggingface/jinja")], input);
        var results = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var reply = JsonNode.Parse(line)!.AsObject();
            return reply["error"] is JsonNode error ? new OracleResult(false, null, error.GetValue<string>()) : new OracleResult(true, reply["text"]!.GetValue<string>(), null);
        }).ToList();
        if (results.Count != cases.Count) throw new InvalidOperationException($"oracle returned {results.Count} results for {cases.Count} cases");
        return results;
    }
}
