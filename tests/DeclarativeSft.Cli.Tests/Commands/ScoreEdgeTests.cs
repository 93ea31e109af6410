using System.Text.Json.Nodes;
using DeclarativeSft.Cli.Tests.Infrastructure;
using DeclarativeSft.Runtime.Safetensors;

namespace DeclarativeSft.Cli.Tests.Commands;

/// <summary>
/// <c>sft score</c> on numbers that cannot be scored (issue 10, items 5 and 10): a model whose weights hold NaN exits
/// non-zero naming the input line (never prints NaN as if it were a score); an id that is no int32 names its line; an
/// impossible config.json value (rms_norm_eps 0, rope_theta -1) is an error naming config.json and the key.
/// </summary>
public class ScoreEdgeTests
{
    private static string TinyChat => Path.Combine(RepoPaths.Root, "recipes", "models", "tiny-chat");

    private static string CopyModel(TempFolder temp, string name)
    {
        var dir = Path.Combine(temp.Path, name);
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(TinyChat)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        return dir;
    }

    [Fact]
    public void Nan_weights_exit_non_zero_naming_the_input_line()
    {
        using var temp = new TempFolder();
        var model = CopyModel(temp, "nan-model");
        var weights = Path.Combine(model, "model.safetensors");
        List<SafetensorsWriteEntry> entries;
        using (var file = SafetensorsFile.Open(Path.Combine(TinyChat, "model.safetensors")))
            entries = file.TensorNames.Select(n =>
            {
                var info = file.GetInfo(n);
                var values = file.ReadFloat32(n);
                if (n == "model.norm.weight") Array.Fill(values, float.NaN);
                return SafetensorsWriteEntry.FromFloat32(n, info.Shape, values);
            }).ToList();
        SafetensorsWriter.Write(weights, entries);
        var input = temp.Write("ids.jsonl", "{\"ids\": [1, 2, 3]}\n");

        var result = Sft.Run("score", "--model", model, "--input", input);

        Assert.True(result.ExitCode == 1, result.ToString());
        Sft.AssertNoStackTrace(result);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains($"{input}:1:", line);
        Assert.Contains("NaN", line);
        Assert.DoesNotContain("NaN", result.Stdout);
    }

    [Theory]
    [InlineData("{\"ids\": [1, 2, 10000000000]}", "not a JSON object")]
    [InlineData("{\"ids\": [1, 2, 5000]}", "outside the model's vocabulary")]
    [InlineData("{\"ids\": [1, \"two\"]}", "not a JSON object")]
    public void Bad_ids_name_their_input_line(string bad, string why)
    {
        using var temp = new TempFolder();
        var input = temp.Write("ids.jsonl", "{\"ids\": [1, 2, 3]}\n" + bad + "\n");

        var result = Sft.Run("score", "--model", TinyChat, "--input", input);

        Assert.True(result.ExitCode == 1, result.ToString());
        Sft.AssertNoStackTrace(result);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains($"{input}:2:", line);
        Assert.Contains(why, line);
    }

    [Theory]
    [InlineData("rms_norm_eps", "0")]
    [InlineData("rope_theta", "-1")]
    public void Impossible_config_value_is_an_error_naming_config_json(string key, string value)
    {
        using var temp = new TempFolder();
        var model = CopyModel(temp, "bad-config");
        var configPath = Path.Combine(model, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config[key] = JsonNode.Parse(value);
        File.WriteAllText(configPath, config.ToJsonString());
        var input = temp.Write("ids.jsonl", "{\"ids\": [1, 2, 3]}\n");

        var result = Sft.Run("score", "--model", model, "--input", input);

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Contains(configPath, line);
        Assert.Contains($"'{key}'", line);
        Assert.Contains("greater than 0", line);
    }
}
