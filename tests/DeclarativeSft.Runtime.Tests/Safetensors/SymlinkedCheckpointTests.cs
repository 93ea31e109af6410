using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Safetensors;
using TorchSharp;

namespace DeclarativeSft.Runtime.Tests.Safetensors;

/// <summary>
/// The Hugging Face hub cache layout (issue 10, item 2): snapshots/&lt;rev&gt;/model.safetensors, config.json and the
/// tokenizer files are relative symbolic links to blobs/&lt;sha256&gt;. Sizes and memory maps follow the links, single
/// file and sharded, through a chain of links; a dangling link is an error naming the file.
/// </summary>
public class SymlinkedCheckpointTests
{
    internal static string TinyChat => Path.Combine(RepoPaths.Recipes, "models", "tiny-chat");

    /// <summary>Moves every file of <paramref name="folder"/> into <paramref name="blobs"/> and leaves relative links.</summary>
    private static void MakeHubLayout(string folder, string blobs)
    {
        Directory.CreateDirectory(blobs);
        int i = 0;
        foreach (var f in Directory.GetFiles(folder))
        {
            var blob = Path.Combine(blobs, $"blob{i++:D2}");
            File.Move(f, blob);
            File.CreateSymbolicLink(f, Path.GetRelativePath(folder, blob));
        }
    }

    private static float[] Weights(LlamaForCausalLM m, string name) => m.Parameter(name).detach().cpu().data<float>().ToArray();

    [Fact]
    public void Model_in_hub_cache_layout_loads_like_the_plain_folder()
    {
        using var dir = new TempFolder();
        var snapshot = Path.Combine(dir.Path, "models--org--tiny", "snapshots", "abc123");
        Directory.CreateDirectory(snapshot);
        foreach (var f in Directory.GetFiles(TinyChat)) File.Copy(f, Path.Combine(snapshot, Path.GetFileName(f)));
        MakeHubLayout(snapshot, Path.Combine(dir.Path, "models--org--tiny", "blobs"));
        Assert.NotNull(new FileInfo(Path.Combine(snapshot, "model.safetensors")).LinkTarget);

        using var linked = LlamaForCausalLM.FromPretrained(snapshot);
        using var plain = LlamaForCausalLM.FromPretrained(TinyChat);

        foreach (var name in new[] { "model.embed_tokens.weight", "model.layers.1.mlp.down_proj.weight", "lm_head.weight" })
            Assert.Equal(Weights(plain, name), Weights(linked, name));
    }

    [Fact]
    public void Sharded_checkpoint_through_a_chain_of_links_loads()
    {
        using var dir = new TempFolder();
        var written = dir["written"];
        var entries = new List<SafetensorsWriteEntry>
        {
            SafetensorsWriteEntry.FromFloat32("a", [3, 4], Enumerable.Range(0, 12).Select(i => (float)i).ToArray()),
            SafetensorsWriteEntry.FromFloat32("b", [5], [1, 2, 3, 4, 5]),
        };
        SafetensorsWriter.WriteCheckpoint(written, entries, maxShardBytes: 48);
        Assert.Equal(2, Directory.GetFiles(written, "model-*.safetensors").Length);
        var snapshot = dir["snapshot"];
        Directory.CreateDirectory(snapshot);
        // snapshot/x → hop/x → blobs/x: the link chain the cache makes when a snapshot points at another snapshot's file.
        var hop = dir["hop"];
        Directory.CreateDirectory(hop);
        foreach (var f in Directory.GetFiles(written))
        {
            var n = Path.GetFileName(f);
            File.CreateSymbolicLink(Path.Combine(hop, n), f);
            File.CreateSymbolicLink(Path.Combine(snapshot, n), Path.Combine("..", "hop", n));
        }

        using var cp = SafetensorsCheckpoint.Open(snapshot);

        Assert.Equal(Enumerable.Range(0, 12).Select(i => (float)i), cp.ReadFloat32("a", [3, 4]));
        Assert.Equal([1f, 2, 3, 4, 5], cp.ReadFloat32("b", [5]));
    }

    [Fact]
    public void Dangling_link_is_an_error_naming_the_file()
    {
        using var dir = new TempFolder();
        var link = dir["model.safetensors"];
        File.CreateSymbolicLink(link, "../blobs/missing");

        var e = Assert.Throws<SafetensorsException>(() => SafetensorsFile.Open(link));

        Assert.Contains(link, e.Message);
    }
}
