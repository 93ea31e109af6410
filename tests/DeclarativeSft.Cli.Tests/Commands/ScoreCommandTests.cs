using System.Text.Json.Nodes;
using DeclarativeSft.Cli.Tests.Infrastructure;

namespace DeclarativeSft.Cli.Tests.Commands;

/// <summary>
/// <c>sft score</c> on the repository's tiny Llama checkpoint (recipes/models/tiny-chat), compared with the
/// independent plain-PyTorch Llama of tests/oracles/python/llama_reference.py run by Debian's
/// /usr/bin/python3.
/// </summary>
public class ScoreCommandTests
{
    private static string ModelDir => Path.Combine(RepoPaths.Root, "recipes", "models", "tiny-chat");

    private static string IdsJsonl(TempFolder temp, IEnumerable<int[]> lines) =>
        temp.Write("ids.jsonl", string.Concat(lines.Select(ids => new JsonObject { ["ids"] = new JsonArray(ids.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray()) }.ToJsonString() + "\n")));

    private static double[][] LogProbs(string jsonl) =>
        jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonNode.Parse(l)!["logprobs"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray())
            .ToArray();

    [Fact]
    public void Log_probabilities_equal_an_independent_pytorch_llama()
    {
        int vocab = JsonNode.Parse(File.ReadAllText(Path.Combine(ModelDir, "config.json")))!["vocab_size"]!.GetValue<int>();
        var random = new Random(11);
        int[][] lines = [.. new[] { 2, 5, 40, 130 }.Select(n => Enumerable.Range(0, n).Select(_ => random.Next(vocab)).ToArray()), [0, vocab - 1, 0, vocab - 1]];
        using var temp = new TempFolder();
        string input = IdsJsonl(temp, lines);

        var ours = Sft.Run("score", "--model", ModelDir, "--input", input);

        var oracle = PythonOracle.Run("llama_reference.py", "score", ModelDir, input);
        Assert.True(ours.ExitCode == 0, ours.ToString());

        var expected = LogProbs(oracle);
        var actual = LogProbs(ours.Stdout);
        Assert.Equal(lines.Length, actual.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            Assert.Equal(lines[i].Length - 1, actual[i].Length);
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (int t = 0; t < actual[i].Length; t++)
                Assert.True(Math.Abs(expected[i][t] - actual[i][t]) < 1e-4,
                    $"line {i + 1} token {t + 1}: pytorch {expected[i][t]}, sft {actual[i][t]}");
        }
    }

    [Theory]
    [InlineData("{\"ids\": [1, 2]}\n\n{\"ids\": [1\n", 3, "")]
    [InlineData("{\"ids\": [1, 2]}\n{\"ids\": [1, 99999]}\n", 2, "99999")]
    [InlineData("{\"text\": \"not ids\"}\n", 1, "ids")]
    public void Bad_line_is_reported_as_file_and_line_with_exit_1(string content, int line, string mentioned)
    {
        using var temp = new TempFolder();
        string input = temp.Write("ids.jsonl", content);

        var result = Sft.Run("score", "--model", ModelDir, "--input", input);

        Assert.True(result.ExitCode == 1, result.ToString());
        var message = Assert.Single(result.StderrLines);
        Assert.Contains($"{input}:{line}:", message);
        Assert.Contains(mentioned, message);
        Sft.AssertNoStackTrace(result);
    }

    [Fact]
    public void Folder_that_is_not_a_checkpoint_is_a_one_line_error()
    {
        using var temp = new TempFolder();
        string input = IdsJsonl(temp, [[1, 2, 3]]);
        string notAModel = Path.Combine(temp.Path, "empty-model");
        Directory.CreateDirectory(notAModel);

        var result = Sft.Run("score", "--model", notAModel, "--input", input);

        Assert.True(result.ExitCode == 1, result.ToString());
        var message = Assert.Single(result.StderrLines);
        Assert.Contains(notAModel, message);
        Sft.AssertNoStackTrace(result);
    }
}
