using System.Text.Json.Nodes;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>
/// A recipe project whose <c>data.transform</c> drops some lines and rewrites every answer, built with <c>dotnet build</c>
/// and run as its user runs it: every command that reads the recipe's data — inspect, the held-out answers of train and
/// eval, the export proof — must see the transformed conversations, not the files as they are. What the transform does
/// is re-derived here from the data files themselves, so a flow that reads the raw files fails its assertion.
/// One build for the whole flow (builds are slow).
/// </summary>
public class TransformedDataTests
{
    // Lines whose request starts with "skip" are dropped; every answer is upper-cased.
    private const string TransformSource = """
        using DeclarativeSft.Data;
        using DeclarativeSft.Runtime.Components;

        namespace Shouting;

        public sealed class ShoutingTransform : IExampleTransform
        {
            public Conversation? Transform(Conversation conversation) =>
                conversation.Messages.Any(m => m.Role == ChatRoles.User && m.Content.StartsWith("skip", StringComparison.Ordinal)) ? null
                : conversation with
                {
                    Messages = conversation.Messages
                        .Select(m => m.Role == ChatRoles.Assistant ? m with { Content = m.Content.ToUpperInvariant() } : m).ToList(),
                };
        }
        """;

    private const string Recipe = """
        name: shouting
        model:
          init: { preset: tiny, seed: 1 }
        tokenizer: builtin:bytes
        template:
          format: chatml
        data:
          train: data/train.jsonl
          validation: { path: data/valid.jsonl }
          max_seq_len: 128
          transform: ShoutingTransform
        training:
          epochs: 1
          micro_batch_size: 2
          learning_rate: 3.0e-4
        eval:
          evaluators: [validation_loss, exact_match]
          max_new_tokens: 4
        output:
          dir: out/shouting
          save: [full]
        """;

    private static string Chat(string user, string assistant) =>
        new JsonObject
        {
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = user },
                new JsonObject { ["role"] = "assistant", ["content"] = assistant }),
        }.ToJsonString();

    [Fact]
    public void Inspect_held_out_answers_and_the_export_proof_see_the_transformed_conversations()
    {
        var trainLines = Enumerable.Range(1, 8).Select(i => Chat(i is 3 or 6 ? $"skip w{i}" : $"say w{i}", $"reply number {i}"));
        string[] validLines = [Chat("say v1", "reply one"), Chat("skip v2", "reply two"), Chat("say v3", "reply three")];
        using var project = new RecipeProject("shouting", Recipe, new Dictionary<string, string>
        {
            ["ShoutingTransform.cs"] = TransformSource,
            ["data/train.jsonl"] = string.Concat(trainLines.Select(l => l + "\n")),
            ["data/valid.jsonl"] = string.Concat(validLines.Select(l => l + "\n")),
        });
        var trainFile = project["data/train.jsonl"];
        var validFile = project["data/valid.jsonl"];
        var train = Expected(trainFile);
        var valid = Expected(validFile);
        Assert.Equal(6, train.Count); // the data above: two of eight lines dropped
        var output = project.Scratch("out");

        var build = project.Build();
        Assert.True(build.ExitCode == 0, build.Output);

        // inspect: exactly the kept lines, each with its rewritten answer trained; the raw answers appear nowhere.
        var inspect = project.Run("inspect", "--count", "20");
        Assert.True(inspect.ExitCode == 0, inspect.Output);
        var shown = RecipeProject.InspectedExamples(inspect.Output);
        Assert.Equal(train.Select(t => (trainFile, t.Line)), shown);
        var trainedRuns = RecipeProject.TrainedText(inspect.Output);
        Assert.All(train, t => Assert.Contains(t.Answer, trainedRuns));
        Assert.DoesNotContain("reply number", inspect.Output);

        // train: held-out prompts are the kept validation lines, their references the rewritten answers; the export
        // proof renders the first 8 kept examples of each file (6 of train.jsonl, 2 of valid.jsonl), not the raw 8 + 3.
        var trained = project.Run("--max-steps", "2", "--output", output);
        Assert.True(trained.ExitCode == 0, trained.Output);
        Assert.Contains($"{train.Count} training examples per epoch", trained.Output);
        Assert.Contains($"{valid.Count} validation examples", trained.Output);
        int proofSamples = Math.Min(8, train.Count) + Math.Min(8, valid.Count);
        Assert.Contains($"{proofSamples} training example(s) give exactly their training ids", trained.Output);
        foreach (var file in new[] { "heldout-before.jsonl", "heldout-after.jsonl" })
            Assert.Equal(valid.Select(v => v.Answer), References(Path.Combine(output, file)));

        // eval answers the same transformed prompts; generate and export run on the trained checkpoint.
        var evaluated = project.Run("eval", "--output", output);
        Assert.True(evaluated.ExitCode == 0, evaluated.Output);
        Assert.Equal(valid.Select(v => v.Answer), References(Path.Combine(output, "heldout-eval.jsonl")));
        var generated = project.Run("generate", "--prompt", "say w1", "--output", output);
        Assert.True(generated.ExitCode == 0, generated.Output);
        var exported = project.Run("export", "--output", output);
        Assert.True(exported.ExitCode == 0, exported.Output);
        Assert.Contains($"{proofSamples} training example(s) give exactly their training ids", exported.Output);
        Assert.True(File.Exists(Path.Combine(output, "full", "model.safetensors")));
    }

    /// <summary>The lines of <paramref name="file"/> the transform keeps, with the answer it gives them, read from the JSON.</summary>
    private static List<(int Line, string Answer)> Expected(string file) =>
        File.ReadLines(file).Select((text, i) => (Line: i + 1, Messages: JsonNode.Parse(text)!["messages"]!.AsArray()))
            .Where(x => !((string)x.Messages[0]!["content"]!).StartsWith("skip", StringComparison.Ordinal))
            .Select(x => (x.Line, ((string)x.Messages[1]!["content"]!).ToUpperInvariant())).ToList();

    private static List<string> References(string heldOutFile) =>
        File.ReadLines(heldOutFile).Select(l => (string)JsonNode.Parse(l)!["reference"]!).ToList();
}
