using DeclarativeSft.Recipes;
using DeclarativeSft.Recipes.Tests.Fixtures;
using static DeclarativeSft.Recipes.Tests.Fixtures.RecipeFixture;

namespace DeclarativeSft.Recipes.Tests.Diagnostics;

/// <summary>
/// One case per diagnostic ID: a small change to the valid fixture, and the ID, file, line and column (counted by
/// hand from the inputs) where it must be reported.
/// </summary>
public class DiagnosticPositionTests
{
    /// <param name="Components">The recipe project's classes (as the generator reads them off the compilation), for
    /// the component checks; null elsewhere.</param>
    public sealed record Case(string Id, string Recipe, Dictionary<string, string> Files, string File, int Line, int Column, string? MessagePart = null,
        ComponentCatalog? Components = null)
    {
        public override string ToString() => Id;
    }

    private static Case C(string id, string recipe, Action<Dictionary<string, string>>? files, string file, int line, int column, string? part = null)
    {
        var f = Files();
        files?.Invoke(f);
        return new Case(id, recipe, f, file, line, column, part);
    }

    private const string CustomTokens = "  format: custom\n  tokens: { system: [\"<S>\", \"</S>\"], user: [\"<U>\", \"</U>\"], assistant: [\"<A>\", \"</A>\"] }";

    public static IEnumerable<object[]> Cases()
    {
        var r = RecipePath;
        yield return new object[] { C("SFT0001", With("  format: chatml", "  format: chatml: x"), null, r, 5, 17) };
        yield return new object[] { C("SFT0002", With("  learning_rate:", "  lerning_rate:"), null, r, 22, 3, "Did you mean 'learning_rate'?") };
        yield return new object[] { C("SFT0003", With("  epochs: 2", "  epochs: two"), null, r, 19, 11, "whole number") };
        yield return new object[] { C("SFT0004", With("  r: 8", "  r: 0"), null, r, 15, 6) };
        yield return new object[] { C("SFT0004", With("  max_seq_len: 512", "  max_seq_len: 1048576").Replace("  micro_batch_size: 2", "  micro_batch_size: 4096"),
            null, r, 20, 21, "at most 2047 with data.max_seq_len 1048576") };
        yield return new object[] { C("SFT0005", With("name: demo\n", ""), null, r, 1, 1, "'name'") };
        yield return new object[] { C("SFT0006", With("  warmup_ratio: 0.05\n", "  warmup_ratio: 0.05\n  warmup_steps: 3\n"), null, r, 24, 3) };
        yield return new object[] { C("SFT0007", With("  format: chatml", "  format: chatlm"), null, r, 5, 11, "Did you mean 'chatml'?") };
        yield return new object[] { C("SFT0008", With("  r: 8", "  lora_r: 8"), null, r, 15, 3, "'lora.r'") };
        yield return new object[] { C("SFT0009", With("  r: 8\n", "  r: 8\n  r: 4\n"), null, r, 16, 3) };
        yield return new object[] { C("SFT0010", Recipe, f => f.Remove(ConfigPath), r, 3, 9) };
        yield return new object[] { C("SFT0011", Recipe, f => f[ConfigPath] = "{ \"architectures\": [ }", ConfigPath, 1, 22) };
        yield return new object[] { C("SFT0012", Recipe, f => f[ConfigPath] = Config.Replace("Qwen2ForCausalLM", "GPT2LMHeadModel"), r, 3, 9, "Qwen2ForCausalLM") };
        yield return new object[] { C("SFT0013", With("[q_proj, v_proj]", "[q_proj, v_prj]"), null, r, 17, 28, "Qwen2ForCausalLM") };
        yield return new object[] { C("SFT0014", Recipe, f => f.Remove(TokenizerPath), r, 3, 9) };
        yield return new object[] { C("SFT0015", With("  format: chatml", "  format: from-tokenizer"), f => f[TokenizerConfigPath] = "{\"eos_token\": \"x\"}", r, 5, 11) };
        yield return new object[] { C("SFT0016", With("  format: chatml", "  format: llama3"), null, r, 5, 11, "the export will carry the recipe's format ('llama3')") };
        var custom = With("  format: chatml", CustomTokens);
        yield return new object[] { C("SFT0017", custom, null, r, 6, custom.Split('\n')[5].IndexOf("\"</A>\"", StringComparison.Ordinal) + 1, "'</A>'") };
        var added = With("  format: chatml", CustomTokens + "\n  add_special_tokens: true");
        yield return new object[] { C("SFT0018", added, null, r, 7, 23) };
        yield return new object[] { C("SFT0019", With("  train_eos: true", "  train_eos: false"), null, r, 8, 14) };
        yield return new object[] { C("SFT0020", Recipe, f => f.Remove(DataPath), r, 10, 10) };
        yield return new object[] { C("SFT0047", Recipe, f => f[DataPath] = CharacterDevice, r, 10, 10, "is a character device, not a regular file") };
        yield return new object[] { C("SFT0021", Recipe, f => f[DataPath] = DataWithLine(3, "not json"), DataPath, 3, 1) };
        yield return new object[] { C("SFT0022", Recipe, f => f[DataPath] = DataWithLine(2, "{\"msgs\": []}"), DataPath, 2, 1, "\"messages\"") };
        yield return new object[] { C("SFT0023", Recipe, f => f[DataPath] = DataWithLine(4, Line.Replace("\"user\"", "\"usr\"")), DataPath, 4, 22, "Did you mean 'user'?") };
        yield return new object[] { C("SFT0024", Recipe, f => f[DataPath] = DataWithLine(5, "{\"messages\":[{\"role\":\"assistant\",\"content\":\"b\"}]}"), DataPath, 5, 22) };
        yield return new object[] { C("SFT0025", With("  train_on: assistant", "  train_on: last_assistant"),
            f => f[DataPath] = DataWithLine(6, Line.Replace("\"content\":\"b\"", "\"content\":\"b\",\"train\":false")), DataPath, 6, 1) };
        // builtin:bytes + chatml: the fixture's line renders to 23 tokens (markers are one token each).
        string Bytes(string truncation) => With("  path: ../models/m", "  init: { preset: tiny, seed: 1 }").Replace("  max_seq_len: 512", "  max_seq_len: 32\n  truncation: " + truncation) + "tokenizer: builtin:bytes\n";
        var bytes = Bytes("error");
        yield return new object[] { C("SFT0026", bytes, f => f[DataPath] = DataWithLine(7, Line.Replace("\"content\":\"b\"", "\"content\":\"" + new string('x', 40) + "\"")), DataPath, 7, 1) };
        var longPrompt = Line.Replace("\"content\":\"a\"", "\"content\":\"" + new string('x', 40) + "\"");
        var longAnswer = Line.Replace("\"content\":\"b\"", "\"content\":\"" + new string('x', 40) + "\"");
        yield return new object[] { C("SFT0040", Bytes("truncate"), f => f[DataPath] = DataWithLine(3, longPrompt), DataPath, 3, 1, "no trained token left") };
        yield return new object[] { C("SFT0041", Bytes("drop"), f => f[DataPath] = DataWithLine(4, longPrompt), DataPath, 4, 1, "1 example(s)") };
        yield return new object[] { C("SFT0042", Bytes("truncate"), f => f[DataPath] = DataWithLine(5, longAnswer), DataPath, 5, 1, "truncation cut it off") };
        var fromTokenizer = With("  format: chatml", "  format: from-tokenizer");
        // The template's second line "{{ m.content }" lacks a brace: its column 14 is column 58 of tokenizer_config.json (\\n is two characters there).
        yield return new object[] { C("SFT0043", fromTokenizer, f => f[TokenizerConfigPath] = "{\"chat_template\": \"{% for m in messages %}\\n{{ m.content }\"}", TokenizerConfigPath, 1, 58, "template line 2, column 14") };
        yield return new object[] { C("SFT0044", Recipe, f => f[DataPath] = DataWithLine(8, Line.Replace("\"content\":\"b\"", "\"content\":\"b\uFFFD\"")), DataPath, 8, 76) };
        yield return new object[] { C("SFT0045", Recipe, f => f[TokenizerPath] = "{\"model\": {\"type\": \"NoSuchModel\"}}", TokenizerPath, 1, 1, "NoSuchModel") };
        yield return new object[] { C("SFT0046", fromTokenizer, f => f[TokenizerConfigPath] = "{\"chat_template\": \"{{ raise_exception('roles must alternate') }}\"}", DataPath, 1, 1, "roles must alternate") };
        yield return new object[] { C("SFT0027", Recipe, f => f[DataPath] = RecipeFixture.Data(5), r, 12, 24) };
        yield return new object[] { C("SFT0028", With("  micro_batch_size: 2", "  micro_batch_size: 64"), null, r, 20, 21) };
        yield return new object[] { C("SFT0029", With("  warmup_ratio: 0.05", "  warmup_steps: 1000"), null, r, 23, 17) };
        yield return new object[] { C("SFT0030", With("  warmup_ratio: 0.05\n", "  warmup_ratio: 0.05\n  memory_budget: 1MiB\n"), null, r, 24, 18, "weights") };
        yield return new object[] { C("SFT0031", With("  learning_rate: 2.0e-4", "  learning_rate: 0.5"), null, r, 22, 18) };
        yield return new object[] { C("SFT0032", With("  epochs: 2", "  epochs: 5"), null, r, 19, 11) };
        yield return new object[] { C("SFT0033", With("  dir: out/demo", "  dir: ../models/m/out"), null, r, 25, 8, "model") };
        yield return new object[] { C("SFT0034", Recipe, f => f[DataPath] = "\n\n", r, 10, 10) };
        yield return new object[] { C("SFT0037", Recipe, f => f[ConfigPath] = "{\n  \"architectures\": [\"Qwen2ForCausalLM\"],\n  \"rms_norm_eps\": -1e-06,\n" + Config[1..], ConfigPath, 3, 19, "greater than 0") };
        yield return new object[] { C("SFT0038", Recipe, f => f[ConfigPath] = Config.Replace("\"vocab_size\"", "\"max_position_embeddings\": 256, \"vocab_size\""), r, 13, 16, "256") };
        yield return new object[] { C("SFT0039", With("  validation: { split: 0.1 }", "  validation: { path: data/train.jsonl }"), null, r, 12, 23, "memorisation") };
        var twoSources = "  train:\n    - { path: data/train.jsonl, weight: 0.8, tag: task }\n    - { path: data/general.jsonl, weight: 0.2, tag: task }\n";
        yield return new object[] { C("SFT0050", With("  train: data/train.jsonl\n", twoSources), null, r, 12, twoSources.Split('\n')[2].LastIndexOf("task", StringComparison.Ordinal) + 1, "line 11") };
        var oneWeighted = "  train:\n    - { path: data/train.jsonl, weight: 0.8 }\n    - data/general.jsonl\n";
        yield return new object[] { C("SFT0051", With("  train: data/train.jsonl\n", oneWeighted), null, r, 12, 7, "'general'") };
        yield return new object[] { C("SFT0052", With("  max_seq_len: 512\n", "  max_seq_len: 512\n  replay: { path: data/general.jsonl, ratio: 0.3 }\n"),
            f => f[GeneralPath] = RecipeFixture.Data(40), r, 14, 3, "{ path: data/train.jsonl, weight: 0.7, tag: train }, { path: data/general.jsonl, weight: 0.3, tag: general }") };
        // Components: recipe lines 26-28 name them; the catalog is what the generator reads off the project's classes.
        static string Named(string evaluators, string hooks = "[]") => Recipe + $"eval:\n  evaluators: {evaluators}\nhooks: {hooks}\n";
        static ComponentCandidate Class(string fullName, ComponentKinds kinds, string? inaccessible = null, string? notConstructible = null) =>
            new(fullName, fullName.Substring(fullName.LastIndexOf('.') + 1), kinds, inaccessible, notConstructible, false);
        var catalog = new ComponentCatalog(true, EquatableArray.Of(
            Class("Demo.ScoreEvaluator", ComponentKinds.Evaluator), Class("Demo.LogHook", ComponentKinds.Hook), Class("Demo.Helper", ComponentKinds.None),
            Class("Demo.AbstractEvaluator", ComponentKinds.Evaluator, notConstructible: "it is abstract"),
            Class("Demo.Outer.HiddenEvaluator", ComponentKinds.Evaluator, inaccessible: "private"),
            Class("Demo.LengthEvaluator", ComponentKinds.Evaluator), Class("Other.LengthEvaluator", ComponentKinds.Evaluator),
            Class("Demo.UpperTransform", ComponentKinds.Transform), Class("Demo.TicketReader", ComponentKinds.JsonLineTransform)));
        Case K(string id, string recipe, int line, int column, string part, ComponentCatalog? components = null) =>
            C(id, recipe, null, r, line, column, part) with { Components = components ?? catalog };
        yield return new object[] { K("SFT0070", Named("[validation_loss, ScoreEvalutor]"), 27, 33, "Did you mean 'ScoreEvaluator'?") };
        yield return new object[] { K("SFT0071", Named("[Helper]"), 27, 16, "does not implement") };
        // data.transform's kind follows data.format: a conversation transform under custom, a JSON-line one under messages.
        var customFormat = With("  format: messages\n", "  format: custom\n  transform: UpperTransform\n");
        yield return new object[] { K("SFT0071", customFormat, 12, 14, "does not implement DeclarativeSft.Runtime.Components.IJsonLineTransform (it is an IExampleTransform: name it under data.transform with a built-in data.format)") };
        var lineReaderUnderMessages = With("  max_seq_len: 512\n", "  max_seq_len: 512\n  transform: TicketReader\n");
        yield return new object[] { K("SFT0071", lineReaderUnderMessages, 14, 14, "(it is an IJsonLineTransform: name it under data.transform with data.format: custom)") };
        yield return new object[] { K("SFT0072", Named("[AbstractEvaluator]"), 27, 16, "abstract") };
        yield return new object[] { K("SFT0073", Named("[HiddenEvaluator]"), 27, 16, "private") };
        yield return new object[] { K("SFT0074", Named("[LengthEvaluator]"), 27, 16, "Other.LengthEvaluator") };
        yield return new object[] { K("SFT0075", Named("[exact_match, exact_match]"), 27, 29, "first at line 27") };
        yield return new object[] { K("SFT0077", With("  max_seq_len: 512\n", "  max_seq_len: 512\n  transform: UpperTransform\n"), 14, 14, "before the transform") };
        yield return new object[] { K("SFT0078", With("  format: messages\n", "  format: custom\n  transform: TicketReader\n"), 12, 14, "only as UTF-8 JSON") };
        yield return new object[] { K("SFT0076", Named("[validation_loss]", "[LogHook]"), 28, 9, "does not reference DeclarativeSft.Runtime", catalog with { HasRuntime = false }) };
        yield return new object[] { C("SFT0036", With("lora:\n  r: 8\n  alpha: 16\n  target_modules: [q_proj, v_proj]\n", "regularization:\n  kl_to_base: 0.1\n"), null, r, 15, 15, "l2_to_base") };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reports_id_at_line_and_column(Case c)
    {
        var diagnostics = Validate(c.Recipe, c.Files, c.Components);
        var match = diagnostics.Where(d => d.Id == c.Id).ToList();
        Assert.True(match.Count > 0, $"expected {c.Id}; got:\n{string.Join("\n", diagnostics)}");
        var d = match[0];
        Assert.Equal((c.File, c.Line, c.Column), (d.FilePath, d.Line, d.Column));
        if (c.MessagePart is not null) Assert.Contains(c.MessagePart, d.Message);
        Assert.Equal(RecipeDiagnostics.All.Single(x => x.Id == c.Id).Severity, d.Severity);
    }

    [Fact]
    public void Internal_failure_of_a_file_check_becomes_SFT0035_not_an_exception()
    {
        var parsed = RecipeParser.Parse(RecipePath, Recipe);
        var broken = parsed.Spec! with { Data = null! };
        var req = new FileRequirement(ReferencedFileKind.TrainData, DataPath, "data.train", broken, parsed.Map, EquatableArray<UnresolvedModuleName>.Empty);
        var result = ReferencedFileCheck.Check(req, RecipeFixture.Data());
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("SFT0035", RecipePath, 1, 1), (d.Id, d.FilePath, d.Line, d.Column));
    }

    [Fact]
    public void Every_catalogued_id_has_a_position_case()
    {
        // SFT0035 cannot be provoked; SFT0053–SFT0059 come from `sft lint` (tests/DeclarativeSft.Cli.Tests LintCommandTests).
        var covered = Cases().Select(c => ((Case)c[0]).Id).Append("SFT0035").Concat(LintIds).ToHashSet();
        var uncovered = RecipeDiagnostics.All.Select(d => d.Id).Where(id => !covered.Contains(id)).ToList();
        Assert.True(uncovered.Count == 0, "no position test for " + string.Join(", ", uncovered));
    }

    /// <summary>IDs reported by <c>sft lint</c> (the dataset checks), not by the build's validator.</summary>
    public static readonly string[] LintIds = ["SFT0053", "SFT0054", "SFT0055", "SFT0056", "SFT0057", "SFT0058", "SFT0059"];

    [Fact]
    public void The_fixture_itself_is_clean()
    {
        Assert.Empty(Validate(Recipe, Files()));
    }
}
