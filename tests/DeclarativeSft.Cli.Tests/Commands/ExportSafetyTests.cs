using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DeclarativeSft.Cli.Tests.Infrastructure;
using DeclarativeSft.Runtime;
using DeclarativeSft.Runtime.Safetensors;

namespace DeclarativeSft.Cli.Tests.Commands;

/// <summary>
/// <c>sft merge / export --output DIR</c> never deletes what it did not create (issue 10, item 1): a folder with a
/// user's files, a training output, the base, the adapter, the checkpoint and <c>/</c> are refused with one line and left
/// exactly as they were; an earlier export (it carries .sft-export.json) is replaced, and a kill at every phase of the
/// replacement leaves the old or the new export loadable under the output's name. No PyTorch needed: the adapter's
/// factors are written here with the runtime's safetensors writer.
/// </summary>
public class ExportSafetyTests
{
    private static string TinyChat => Path.Combine(RepoPaths.Root, "recipes", "models", "tiny-chat");

    /// <summary>A PEFT adapter for tiny-chat (q_proj and v_proj, r=4) with seeded random factors.</summary>
    internal static string MakeAdapter(string dir, int seed = 1)
    {
        Directory.CreateDirectory(dir);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(TinyChat, "config.json")))!;
        int hidden = (int)config["hidden_size"]!, layers = (int)config["num_hidden_layers"]!, headDim = (int)config["head_dim"]!;
        int kv = (int)config["num_key_value_heads"]! * headDim, q = (int)config["num_attention_heads"]! * headDim;
        const int r = 4;
        var random = new Random(seed);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() - 0.5) * 0.2f).ToArray();
        var entries = new List<SafetensorsWriteEntry>();
        for (int l = 0; l < layers; l++)
            foreach (var (proj, outDim) in new[] { ("q_proj", q), ("v_proj", kv) })
            {
                var key = $"base_model.model.model.layers.{l}.self_attn.{proj}";
                entries.Add(SafetensorsWriteEntry.FromFloat32(key + ".lora_A.weight", [r, hidden], Values(r * hidden)));
                entries.Add(SafetensorsWriteEntry.FromFloat32(key + ".lora_B.weight", [outDim, r], Values(outDim * r)));
            }
        SafetensorsWriter.Write(Path.Combine(dir, "adapter_model.safetensors"), entries);
        File.WriteAllText(Path.Combine(dir, "adapter_config.json"),
            """{"peft_type": "LORA", "r": 4, "lora_alpha": 8, "lora_dropout": 0.0, "target_modules": ["q_proj", "v_proj"], "use_rslora": false}""");
        return dir;
    }

    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static string Hash(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    private static ProcessResult Merge(string adapter, string output, string dtype = "float32", Dictionary<string, string>? env = null, string? baseDir = null) =>
        Sft.Run(["merge", "--base", baseDir ?? TinyChat, "--adapter", adapter, "--output", output, "--dtype", dtype], env ?? new(), null, null);

    private static void AssertRefused(ProcessResult result, string named, string why)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Sft.AssertNoStackTrace(result);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains(named, line);
        Assert.Contains(why, line);
    }

    [Fact]
    public void Folder_with_user_files_is_refused_and_left_as_it_was()
    {
        using var temp = new TempFolder();
        var adapter = MakeAdapter(Path.Combine(temp.Path, "adapter"));
        var output = Path.Combine(temp.Path, "my-stuff");
        temp.Write("my-stuff/thesis.tex", "three years of work");
        temp.Write("my-stuff/data/results.csv", "1,2,3");
        var before = Snapshot(output);

        var result = Merge(adapter, output);

        AssertRefused(result, output, "not empty");
        Assert.Equal(before, Snapshot(output));
        Assert.Empty(Directory.GetDirectories(temp.Path, ".my-stuff*"));
    }

    [Fact]
    public void Training_output_folder_is_refused_and_every_checkpoint_kept()
    {
        using var temp = new TempFolder();
        var run = Path.Combine(temp.Path, "out");
        for (int s = 1; s <= 3; s++) MakeAdapter(Path.Combine(run, "checkpoints", $"step-{s}"), s);
        temp.Write("out/metrics.jsonl", "{\"step\":1}\n");
        var before = Snapshot(run);

        // --output the run folder while exporting one of its checkpoints, and while exporting from elsewhere.
        var containing = Sft.Run("export", "--base", TinyChat, "--checkpoint", Path.Combine(run, "checkpoints", "step-3"), "--output", run);
        AssertRefused(containing, run, "contains");
        var unrelated = Merge(MakeAdapter(Path.Combine(temp.Path, "a")), run);
        AssertRefused(unrelated, run, "not empty");
        Assert.Equal(before, Snapshot(run));
    }

    [Theory]
    [InlineData("base")]
    [InlineData("adapter")]
    [InlineData("root")]
    [InlineData("parent of base")]
    public void Input_folders_and_root_are_refused(string which)
    {
        using var temp = new TempFolder();
        var baseCopy = Path.Combine(temp.Path, "models", "tiny");
        Directory.CreateDirectory(baseCopy);
        foreach (var f in Directory.GetFiles(TinyChat)) File.Copy(f, Path.Combine(baseCopy, Path.GetFileName(f)));
        var adapter = MakeAdapter(Path.Combine(temp.Path, "adapter"));
        var (output, why) = which switch
        {
            "base" => (baseCopy, "same folder as an input"),
            "adapter" => (adapter, "same folder as an input"),
            "parent of base" => (Path.Combine(temp.Path, "models"), "contains"),
            _ => ("/", "refusing"),
        };
        var beforeBase = Snapshot(baseCopy);
        var beforeAdapter = Snapshot(adapter);

        var result = Merge(adapter, output, baseDir: baseCopy);

        AssertRefused(result, output, why);
        Assert.Equal(beforeBase, Snapshot(baseCopy));
        Assert.Equal(beforeAdapter, Snapshot(adapter));
    }

    [Fact]
    public void Earlier_export_is_replaced_and_nothing_is_left_beside_it()
    {
        using var temp = new TempFolder();
        var adapter = MakeAdapter(Path.Combine(temp.Path, "adapter"));
        var output = Path.Combine(temp.Path, "merged");
        Directory.CreateDirectory(output); // an empty folder may be written into

        var first = Merge(adapter, output);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(File.Exists(Path.Combine(output, ExportFolder.MarkerFile)), "every export carries the marker");
        var f32 = Hash(Path.Combine(output, "model.safetensors"));

        var second = Merge(adapter, output, "bfloat16");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.NotEqual(f32, Hash(Path.Combine(output, "model.safetensors")));
        Assert.Equal("bfloat16", (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(output, "config.json")))!["torch_dtype"]);
        Assert.Equal(["merged"], Directory.GetFileSystemEntries(temp.Path, "*merged*").Select(Path.GetFileName));
    }

    /// <summary>Phases of <see cref="ExportFolder.Replace"/>: 1 new folder partly written, 2 new folder complete,
    /// 3 swapped (old not yet removed); 4 between the two renames of the fallback for filesystems without RENAME_EXCHANGE.</summary>
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public void Kill_at_any_phase_leaves_the_old_or_the_new_export_loadable(int phase, bool noExchange)
    {
        using var temp = new TempFolder();
        var adapter = MakeAdapter(Path.Combine(temp.Path, "adapter"));
        var output = Path.Combine(temp.Path, "merged");
        var ids = temp.Write("ids.jsonl", "{\"ids\": [1, 5, 9, 40, 2]}\n");
        Assert.True(Merge(adapter, output).ExitCode == 0);
        var oldHash = Hash(Path.Combine(output, "model.safetensors"));

        var env = new Dictionary<string, string> { [ExportFolder.KillAtVariable] = phase.ToString() };
        if (noExchange) env[ExportFolder.NoExchangeVariable] = "1";
        var killed = Merge(adapter, output, "bfloat16", env);
        Assert.True(killed.ExitCode == 137, $"phase {phase}: expected SIGKILL\n{killed}");

        if (!noExchange)
        {
            // With the atomic exchange there is no moment without a complete export under the output's name.
            var hash = Hash(Path.Combine(output, "model.safetensors"));
            Assert.Equal(phase == 3 ? "new" : "old", hash == oldHash ? "old" : "new");
            var scored = Sft.Run("score", "--model", output, "--input", ids);
            Assert.True(scored.ExitCode == 0, $"phase {phase}: the export left by the kill does not load\n{scored}");
        }

        // The next export removes what the killed one left beside the output (and, after the fallback's kill between
        // its renames, restores the old export first), then replaces it.
        var next = Merge(adapter, output, "bfloat16");
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Equal(["merged"], Directory.GetFileSystemEntries(temp.Path, "*merged*").Select(Path.GetFileName));
        Assert.NotEqual(oldHash, Hash(Path.Combine(output, "model.safetensors")));
    }

    [Fact]
    public void Fallback_kill_between_renames_is_undone_by_the_next_run()
    {
        using var temp = new TempFolder();
        var adapter = MakeAdapter(Path.Combine(temp.Path, "adapter"));
        var output = Path.Combine(temp.Path, "merged");
        Assert.True(Merge(adapter, output).ExitCode == 0);
        var before = Snapshot(output);
        var env = new Dictionary<string, string> { [ExportFolder.KillAtVariable] = "4", [ExportFolder.NoExchangeVariable] = "1" };
        Assert.Equal(137, Merge(adapter, output, "bfloat16", env).ExitCode);

        ExportFolder.CleanLeftovers(output); // what every export (and every recipe export) does first

        Assert.Equal(before, Snapshot(output));
    }

    [Fact]
    public void The_checkpoint_folder_itself_is_refused_as_the_output()
    {
        using var temp = new TempFolder();
        var checkpoint = MakeAdapter(Path.Combine(temp.Path, "out", "checkpoints", "step-3"), 3);
        var before = Snapshot(checkpoint);

        var result = Sft.Run("export", "--base", TinyChat, "--checkpoint", checkpoint, "--output", checkpoint);

        AssertRefused(result, checkpoint, "same folder as an input");
        Assert.Equal(before, Snapshot(checkpoint));
    }
}
