using System.Text.Json.Nodes;
using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Commands;
using DeclarativeSft.Runtime.Export;
using DeclarativeSft.Runtime.Hosting;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Session;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>
/// An export carries the format the model was trained on. The oracles are independent of our code: Python Jinja2
/// renders the exported chat_template the way transformers does (Oracle/render_chat_template.py) and Hugging Face's JS
/// tokenizer encodes that text with the exported tokenizer.json (tests/oracles/tokenize_files.mjs); the ids must be the
/// training ids of the recipe's own examples (its masker's input ids, which is what trains).
/// </summary>
public class ExportedTokenizerTests
{
    private static readonly string TinyChat = Path.Combine(RepoPaths.Root, "recipes", "models", "tiny-chat");

    private static string Llama3Tokenizer => NodeOracle.TokenizerDir("llama3");

    /// <summary>Conversations that exercise every branch of the templates: with and without a system message (the
    /// default system prompt), multi-turn, alpaca's "### Input:" preamble, characters Jinja literals must escape, and
    /// content that llama3 trims.</summary>
    private static readonly string DataJsonl = string.Join("\n",
        """{"messages": [{"role": "system", "content": "You answer in one word."}, {"role": "user", "content": "Opposite of loud?"}, {"role": "assistant", "content": "Quiet."}]}""",
        """{"messages": [{"role": "user", "content": "Plural of wolf?"}, {"role": "assistant", "content": "Wolves."}]}""",
        """{"messages": [{"role": "user", "content": "2 + 3 = ?"}, {"role": "assistant", "content": "5"}, {"role": "user", "content": "And times 4?"}, {"role": "assistant", "content": "20, it's {{ 5 * 4 }} {% raw %}"}]}""",
        """{"messages": [{"role": "user", "content": "Translate.\n\n### Input:\nbonjour"}, {"role": "assistant", "content": "hello"}]}""",
        """{"messages": [{"role": "user", "content": "  quote ' and backslash \\ and tab\t  "}, {"role": "assistant", "content": "\n héllo wörld ✓ 日本 \n"}]}""") + "\n";

    [Theory]
    [InlineData("chatml")]
    [InlineData("llama3")]
    [InlineData("alpaca")]
    [InlineData("human-assistant")]
    [InlineData("custom")]
    [InlineData("from-tokenizer")]
    public void Exported_files_reproduce_the_training_ids_in_python_jinja2_and_huggingface_tokenizers(string format)
    {
        using var temp = new TempFolder();
        var spec = WriteRecipe(temp.Path, format, TinyChat);
        var (folders, printed) = Export(spec, temp.Path);

        foreach (var folder in folders) AssertOraclesReproduceTrainingIds(spec, folder);
        Assert.Contains("give exactly their training ids", printed);
    }

    /// <summary>Full fine-tuning writes full/ with the same files.</summary>
    [Fact]
    public void Full_export_carries_the_same_files()
    {
        using var temp = new TempFolder();
        var spec = WriteRecipe(temp.Path, "human-assistant", TinyChat, lora: false);
        var (folders, _) = Export(spec, temp.Path);
        Assert.Equal(["full"], folders.Select(Path.GetFileName));
        AssertOraclesReproduceTrainingIds(spec, folders[0]);
    }

    /// <summary>Must show: the custom-tokens recipe's export knows its six markers, as added special tokens at the ids
    /// training gave them, and its chat_template renders (Python Jinja2) text the exported tokenizer turns into the
    /// training ids.</summary>
    [Fact]
    public void Custom_tokens_recipe_exports_its_six_markers_and_its_template()
    {
        var spec = ShippedRecipes.Load(ShippedRecipes.RecipePath("custom-tokens"));
        using var temp = new TempFolder();
        var (folders, _) = Export(spec, temp.Path);
        Assert.Equal(["adapter", "merged"], folders.Select(Path.GetFileName));
        var training = RecipeTextPipeline.CreateTokenizer(spec);

        foreach (var folder in folders)
        {
            var added = AssertOraclesReproduceTrainingIds(spec, folder);
            foreach (var marker in new[] { "<SOT>", "<EOT>", "<SOU>", "<EOU>", "<SOA>", "<EOA>" })
            {
                var entry = added.SingleOrDefault(a => a.Content == marker);
                Assert.True(entry.Content is not null, $"{folder}/tokenizer.json has no added token {marker}");
                Assert.True(entry.Special, $"{marker} is not special in {folder}/tokenizer.json");
                Assert.Equal(training.TokenToId(marker), entry.Id);
            }
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer_config.json")))!;
            Assert.Equal("<EOA>", (string?)config["eos_token"]);
            var generation = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "generation_config.json")))!;
            Assert.Equal(training.TokenToId("<EOA>"), (int)generation["eos_token_id"]![0]!);
        }
    }

    /// <summary>Must show: a chatml recipe over a base whose chat_template is Llama-3's (the real Llama-3 tokenizer files)
    /// exports a ChatML chat_template, proven by the oracles the same way; the base's template is gone.</summary>
    [Fact]
    public void Chatml_recipe_over_a_llama3_template_base_exports_chatml()
    {
        using var temp = new TempFolder();
        var baseDir = Path.Combine(temp.Path, "llama3-base");
        using (var model = LlamaForCausalLM.Initialize(ModelPresets.Create(ModelPreset.Tiny, 128256) with
               { HiddenSize = 16, IntermediateSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 2, NumKeyValueHeads = 2, HeadDim = 8 }, seed: 3))
            HfCheckpointWriter.Save(baseDir, model, Llama3Tokenizer);
        Assert.Contains("<|start_header_id|>", File.ReadAllText(Path.Combine(baseDir, "tokenizer_config.json")));
        var spec = WriteRecipe(temp.Path, "chatml", baseDir);

        var (folders, _) = Export(spec, temp.Path);

        foreach (var folder in folders)
        {
            AssertOraclesReproduceTrainingIds(spec, folder);
            var template = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer_config.json")))!["chat_template"]!;
            Assert.Contains("<|im_start|>", template);
            Assert.DoesNotContain("<|start_header_id|>", template);
        }
    }

    /// <summary>A proof that fails leaves the previous export as it was and names the example.</summary>
    [Fact]
    public void A_failed_proof_names_the_example_and_leaves_the_previous_export()
    {
        using var temp = new TempFolder();
        var spec = WriteRecipe(temp.Path, "chatml", TinyChat);
        var (folders, _) = Export(spec, temp.Path);
        var before = File.ReadAllText(Path.Combine(folders[1], "tokenizer_config.json"));

        var tokenizer = RecipeTextPipeline.CreateTokenizer(spec);
        var template = RecipeTextPipeline.CreateTemplate(spec, tokenizer);
        var masker = new LossMasker(tokenizer, template, RecipeTextPipeline.MaskOptions(spec));
        // The proof must see a template that is not the training one: Llama 3's instead of ChatML.
        var wrong = ExportedTokenizer.Create(tokenizer, new Llama3Template(), spec.Template.System);
        var e = Assert.Throws<ExportProofException>(() => ExportProof.Verify(wrong, RecipeTextPipeline.ProofSamples(RecipeTextPipeline.DataOptions(spec, spec.Training.Seed, transform: null)), spec.Template.System, masker, tokenizer));
        Assert.Contains("data.jsonl:1", e.Message);
        Assert.Contains("first difference at token 0", e.Message);
        Assert.Equal(before, File.ReadAllText(Path.Combine(folders[1], "tokenizer_config.json")));
    }

    private static RecipeSpec WriteRecipe(string dir, string format, string modelDir, bool lora = true)
    {
        File.WriteAllText(Path.Combine(dir, "data.jsonl"), DataJsonl);
        bool custom = format == "custom";
        var yaml = $"""
            name: export-{format}
            model:
              path: {modelDir}
            tokenizer: model
            template:
              format: {format}
              system: "Be brief; it's a 'test' \\ ok."
            {(custom ? "  tokens: { system: [\"<SOT>\", \"<EOT>\"], user: [\"<SOU>\", \"<EOU>\"], assistant: [\"<SOA>\", \"<EOA>\"] }\n  add_special_tokens: true" : "")}
            mask:
              train_on: assistant
              train_eos: true
            data:
              train: data.jsonl
              format: messages
              max_seq_len: 512
              truncation: drop
              packing: false
            {(lora ? "lora:\n  r: 4\n  alpha: 8\n  target_modules: [q_proj]" : "")}
            {(lora && custom ? "  modules_to_save: [embed_tokens, lm_head]" : "")}
            output:
              dir: out
              save: [{(lora ? "adapter, merged" : "full")}]
            """;
        var path = Path.Combine(dir, "recipe.sft.yaml");
        File.WriteAllText(path, yaml);
        return ShippedRecipes.Load(path);
    }

    /// <summary>Runs the recipe program's export of the untrained model (the tokenizer files do not depend on the weights).</summary>
    private static (string[] Folders, string Printed) Export(RecipeSpec spec, string dir)
    {
        var output = new StringWriter();
        using var session = RecipeSession.Open(spec, new RecipeRunOptions(RecipeCommand.Export, Output: Path.Combine(dir, "out")));
        var written = RecipeExport.Write(session, output);
        return (written.Select(w => w.Path).ToArray(), output.ToString());
    }

    /// <summary>Renders every training example with Python Jinja2 from <paramref name="folder"/>, and the first
    /// example's prompt with add_generation_prompt; tokenizes with HF's JS tokenizer; compares with the training ids.
    /// Returns the folder's added tokens as the JS tokenizer's file lists them.</summary>
    private static List<(int Id, string Content, bool Special)> AssertOraclesReproduceTrainingIds(RecipeSpec spec, string folder)
    {
        Assert.False(File.Exists(Path.Combine(folder, "chat_template.jinja")));
        var tokenizer = RecipeTextPipeline.CreateTokenizer(spec);
        var template = RecipeTextPipeline.CreateTemplate(spec, tokenizer);
        var masker = new LossMasker(tokenizer, template, RecipeTextPipeline.MaskOptions(spec));
        var examples = spec.Data.TrainPaths.SelectMany(p => DatasetReader.ReadFile(p, spec.Data.Format)).ToList();
        Assert.NotEmpty(examples);

        var requests = new List<(IReadOnlyList<ChatMessage> Messages, bool Prompt, int[] Expected, string Where)>();
        foreach (var example in examples)
            requests.Add((example.Messages, false, masker.Label(example.WithDefaultSystem(spec.Template.System)).InputIds, example.Location));
        var first = examples[^3]; // multi-turn: the prompt holds an earlier assistant turn
        var prompt = first.Messages.Take(first.Messages.Count - 1).ToList();
        var promptText = template.Render(new Conversation(prompt, "", 0).WithDefaultSystem(spec.Template.System).Messages, addGenerationPrompt: true).Text;
        requests.Add((prompt, true, tokenizer.Encode(promptText, addSpecialTokens: false), first.Location + " (prompt)"));

        var texts = RenderWithPythonJinja2(folder, requests.Select(r => (r.Messages, r.Prompt)).ToList());
        var (ids, added) = TokenizeWithHuggingFaceJs(folder, texts);
        for (int i = 0; i < requests.Count; i++)
            Assert.True(requests[i].Expected.SequenceEqual(ids[i]),
                $"{folder}, {requests[i].Where}: Python Jinja2 + HF tokenizers give\n[{string.Join(",", ids[i])}]\ntraining ids are\n[{string.Join(",", requests[i].Expected)}]\ntext: {texts[i]}");
        return added;
    }

    private static List<string> RenderWithPythonJinja2(string folder, List<(IReadOnlyList<ChatMessage> Messages, bool Prompt)> conversations)
    {
        var request = new JsonObject
        {
            ["conversations"] = new JsonArray(conversations.Select(c => (JsonNode?)new JsonObject
            {
                ["messages"] = new JsonArray(c.Messages.Select(m => (JsonNode?)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()),
                ["add_generation_prompt"] = c.Prompt,
            }).ToArray()),
        };
        var reply = JsonNode.Parse(PythonOracle.Run("render_chat_template.py", [folder], request.ToJsonString()))!;
        return reply["texts"]!.AsArray().Select(t => (string)t!).ToList();
    }

    private static (List<int[]> Ids, List<(int, string, bool)> Added) TokenizeWithHuggingFaceJs(string folder, List<string> texts)
    {
        NodeOracle.Package("@huggingface/tokenizers");
        var request = new JsonObject { ["texts"] = new JsonArray(texts.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()) };
        var reply = JsonNode.Parse(NodeOracle.Run("tokenize_files.mjs", [RepoPaths.Oracles, folder], request.ToJsonString()))!;
        var ids = reply["ids"]!.AsArray().Select(a => a!.AsArray().Select(n => (int)n!).ToArray()).ToList();
        var added = reply["added"]!.AsArray().Select(a => ((int)a!["id"]!, (string)a["content"]!, (bool)a["special"]!)).ToList();
        return (ids, added);
    }
}
