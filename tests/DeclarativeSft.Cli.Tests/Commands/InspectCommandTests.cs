using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DeclarativeSft.Cli.Tests.Infrastructure;

namespace DeclarativeSft.Cli.Tests.Commands;

/// <summary>
/// <c>sft inspect</c> on a scaffolded recipe (byte tokenizer, ChatML, loss on assistant turns and their end marker):
/// the plain-text label view is compared with a ChatML rendering written out here from the data file, with exactly
/// the assistant replies and their <c>&lt;|im_end|&gt;</c> in [[...]].
/// </summary>
public partial class InspectCommandTests
{
    private const string SystemPrompt = "Answer in one short line.";

    [GeneratedRegex(@"^── example \d+ · (?<file>.+):(?<line>\d+)$")]
    private static partial Regex ExampleHeader();

    [GeneratedRegex(@"^tokens (?<tokens>\d+) · trained (?<trained>\d+) · masked (?<masked>\d+)")]
    private static partial Regex ExampleCounts();

    /// <summary>A scaffold whose system prompt and data are this test's own: 30 two- and four-turn chats.</summary>
    private static (string Recipe, string Data) Scaffold(TempFolder temp)
    {
        string recipes = temp.MakeCheckout();
        var created = Sft.Run("new", "inspect-demo", "--dir", recipes);
        Assert.True(created.ExitCode == 0, created.ToString());
        string project = Path.Combine(recipes, "inspect-demo");
        string recipe = Path.Combine(project, "recipe.sft.yaml");
        var yaml = File.ReadAllLines(recipe);
        int system = Array.FindIndex(yaml, l => l.TrimStart().StartsWith("system:", StringComparison.Ordinal));
        Assert.True(system >= 0, "the scaffold should set template.system");
        yaml[system] = yaml[system][..yaml[system].IndexOf("system:", StringComparison.Ordinal)] + $"system: \"{SystemPrompt}\"";
        File.WriteAllLines(recipe, yaml);

        var data = new StringBuilder();
        for (int i = 0; i < 30; i++)
        {
            var messages = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = $"Double {i}, please." },
                new JsonObject { ["role"] = "assistant", ["content"] = $"{i} doubled is {2 * i}." });
            if (i % 3 == 0)
            {
                messages.Add(new JsonObject { ["role"] = "user", ["content"] = "And \"tripled\"?" });
                messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = $"Tripled: {3 * i}!" });
            }
            data.Append(new JsonObject { ["messages"] = messages }.ToJsonString()).Append('\n');
        }
        string dataPath = Path.Combine(project, "data", "train.jsonl");
        File.WriteAllText(dataPath, data.ToString());
        return (recipe, dataPath);
    }

    /// <summary>ChatML as published (system turn first), trained spans in [[...]], line breaks shown as ↵ + newline.</summary>
    private static (string View, int Tokens, int Trained) ExpectedView(JsonArray messages)
    {
        var text = new StringBuilder($"<|im_start|>system\n{SystemPrompt}<|im_end|>\n");
        int trained = 0;
        foreach (var m in messages)
        {
            string role = m!["role"]!.GetValue<string>(), content = m["content"]!.GetValue<string>();
            text.Append($"<|im_start|>{role}\n");
            if (role == "assistant")
            {
                text.Append($"[[{content}<|im_end|>]]\n");
                trained += Encoding.UTF8.GetByteCount(content) + 1;
            }
            else text.Append($"{content}<|im_end|>\n");
        }
        string plain = text.ToString().Replace("[[", "").Replace("]]", "");
        // builtin:bytes: one token per UTF-8 byte, one per ChatML marker.
        int markers = Regex.Matches(plain, @"<\|im_(start|end)\|>").Count;
        int tokens = Encoding.UTF8.GetByteCount(Regex.Replace(plain, @"<\|im_(start|end)\|>", "")) + markers;
        return (text.ToString().Replace("\n", "↵\n"), tokens, trained);
    }

    [Fact]
    public void Label_view_marks_exactly_the_assistant_replies_and_their_end_marker()
    {
        using var temp = new TempFolder();
        var (recipe, data) = Scaffold(temp);
        var dataLines = File.ReadAllLines(data);

        var result = Sft.Run("inspect", recipe, "--count", "4");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Replace("\r", "").Split('\n');
        int shown = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            var header = ExampleHeader().Match(lines[i]);
            if (!header.Success) continue;
            shown++;
            Assert.Equal(data, header.Groups["file"].Value);
            var messages = JsonNode.Parse(dataLines[int.Parse(header.Groups["line"].Value) - 1])!["messages"]!.AsArray();
            var (view, tokens, trained) = ExpectedView(messages);

            int end = Array.FindIndex(lines, i + 1, l => ExampleCounts().IsMatch(l));
            Assert.True(end > i, "no counts line after example header:\n" + result.Stdout);
            string body = string.Join("\n", lines[(i + 1)..end]).TrimEnd('\n') + "\n";
            Assert.Equal(view, body);
            var counts = ExampleCounts().Match(lines[end]);
            Assert.Equal(tokens, int.Parse(counts.Groups["tokens"].Value));
            Assert.Equal(trained, int.Parse(counts.Groups["trained"].Value));
            Assert.Equal(tokens - trained, int.Parse(counts.Groups["masked"].Value));
        }
        Assert.Equal(4, shown);
    }

    [Fact]
    public void Bad_data_line_is_reported_as_file_and_line_with_exit_1()
    {
        using var temp = new TempFolder();
        var (recipe, data) = Scaffold(temp);
        var dataLines = File.ReadAllLines(data);
        dataLines[6] = "{\"messages\": [oops";
        File.WriteAllLines(data, dataLines);

        var result = Sft.Run("inspect", recipe);

        Assert.True(result.ExitCode == 1, result.ToString());
        var message = Assert.Single(result.StderrLines);
        Assert.Contains($"{data}:7:", message);
        Sft.AssertNoStackTrace(result);
    }

    [Fact]
    public void Misspelt_recipe_key_is_reported_at_its_position_with_exit_1()
    {
        using var temp = new TempFolder();
        var (recipe, _) = Scaffold(temp);
        var yaml = File.ReadAllLines(recipe);
        int index = Array.FindIndex(yaml, l => l.TrimStart().StartsWith("epochs:", StringComparison.Ordinal));
        int column = yaml[index].IndexOf("epochs", StringComparison.Ordinal) + 1;
        yaml[index] = yaml[index].Replace("epochs:", "epohcs:");
        File.WriteAllLines(recipe, yaml);

        var result = Sft.Run("inspect", recipe);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(result.StderrLines, l => l.StartsWith($"{recipe}({index + 1},{column}): error SFT", StringComparison.Ordinal));
        Sft.AssertNoStackTrace(result);
    }
}
