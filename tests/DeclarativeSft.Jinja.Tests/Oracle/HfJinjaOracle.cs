using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeclarativeSft.Jinja.Tests.Oracle;

/// <summary>One rendering by the oracle: the text, or the error it raised.</summary>
public sealed record OracleResult(bool Ok, string? Text, string? Error);

/// <summary>
/// Runs @huggingface/jinja (Hugging Face's JS Jinja, installed by npm in tests/oracles) through node on a batch of
/// templates and contexts (tests/oracles/render_templates.cjs), so one process serves a whole test class.
/// </summary>
public static class HfJinjaOracle
{
    public static IReadOnlyList<OracleResult> Render(IReadOnlyList<(string Template, JsonObject Context)> cases)
    {
        var input = new JsonArray();
        foreach (var (template, context) in cases)
            input.Add(new JsonObject { ["template"] = template, ["context"] = context.DeepClone() });
        string stdout = NodeOracle.Run("render_templates.cjs", [NodeOracle.Package("@huggingface/jinja")], input.ToJsonString());
        var results = JsonSerializer.Deserialize<List<OracleResult>>(stdout, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        if (results.Count != cases.Count) throw new InvalidOperationException("oracle returned a different number of results");
        return results;
    }
}
