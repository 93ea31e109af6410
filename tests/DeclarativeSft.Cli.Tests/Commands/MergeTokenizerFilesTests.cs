using System.Text.Json.Nodes;
using DeclarativeSft.Cli.Tests.Infrastructure;

namespace DeclarativeSft.Cli.Tests.Commands;

/// <summary>
/// Which tokenizer files <c>sft merge</c> writes: with <c>--recipe</c> the recipe's (its template as chat_template,
/// proven on its data); else the adapter folder's, when a recipe's adapter/ export put them there; else the base's
/// with a note. The chat_template is rendered by Python Jinja2 (as transformers does) and compared with the Llama 3
/// layout as Meta documents it.
/// </summary>
public class MergeTokenizerFilesTests
{
    private static string BaseDir => Path.Combine(RepoPaths.Root, "recipes", "models", "tiny-chat");

    private static string MakeAdapter(string dir)
    {
        PythonOracle.Run("peft_reference.py", "make-adapter", BaseDir, dir, "5", "4", "8", "false", "q_proj", "peft");
        return dir;
    }

    private static string RenderWithJinja2(string folder, string messagesJson, bool addGenerationPrompt)
    {
        return PythonOracle.RunInline("""
            import json, sys
            from jinja2.sandbox import ImmutableSandboxedEnvironment
            config = json.load(open(sys.argv[1] + "/tokenizer_config.json", encoding="utf-8"))
            env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
            sys.stdout.write(env.from_string(config["chat_template"]).render(messages=json.loads(sys.argv[2]), add_generation_prompt=sys.argv[3] == "1", eos_token=config.get("eos_token")))
            """, folder, messagesJson, addGenerationPrompt ? "1" : "0");
    }

    [Fact]
    public void Merge_with_recipe_writes_the_recipes_chat_template()
    {
        using var temp = new TempFolder();
        var adapter = MakeAdapter(Path.Combine(temp.Path, "adapter"));
        temp.Write("data.jsonl", """{"messages": [{"role": "user", "content": " Hi "}, {"role": "assistant", "content": "Hello."}]}""" + "\n");
        var recipe = temp.Write("recipe.sft.yaml", $"""
            name: merge-llama3
            model:
              path: {BaseDir}
            tokenizer: model
            template:
              format: llama3
              system: Be brief.
            mask:
              train_on: assistant
            data:
              train: data.jsonl
              format: messages
            lora:
              r: 4
              alpha: 8
              target_modules: [q_proj]
            output:
              dir: out
            """);
        var output = Path.Combine(temp.Path, "merged");

        var result = Sft.Run("merge", "--base", BaseDir, "--adapter", adapter, "--output", output, "--recipe", recipe);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("give exactly their training ids", result.Stdout);
        // tiny-chat's vocabulary has no <|eot_id|>: eos_token stays the base's, and the user is told.
        Assert.Contains("not a single token", result.Stdout);
        const string messages = """[{"role": "user", "content": " Hi "}]""";
        Assert.Equal("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>" +
                     "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
            RenderWithJinja2(output, messages, addGenerationPrompt: true));
    }

    [Fact]
    public void Merge_takes_the_adapter_folders_tokenizer_files_when_it_has_them_and_else_says_it_copies_the_bases()
    {
        using var temp = new TempFolder();
        var adapter = MakeAdapter(Path.Combine(temp.Path, "adapter"));
        var plain = Sft.Run("merge", "--base", BaseDir, "--adapter", adapter, "--output", Path.Combine(temp.Path, "plain"));
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains("copied unchanged", plain.Stdout);
        Assert.Equal(File.ReadAllText(Path.Combine(BaseDir, "tokenizer_config.json")), File.ReadAllText(Path.Combine(temp.Path, "plain", "tokenizer_config.json")));

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(BaseDir, "tokenizer_config.json")))!;
        config["chat_template"] = "{% for message in messages %}[{{ message['content'] }}]{% endfor %}";
        File.WriteAllText(Path.Combine(adapter, "tokenizer_config.json"), config.ToJsonString());
        File.Copy(Path.Combine(BaseDir, "tokenizer.json"), Path.Combine(adapter, "tokenizer.json"));
        var output = Path.Combine(temp.Path, "merged");

        var result = Sft.Run("merge", "--base", BaseDir, "--adapter", adapter, "--output", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("copied unchanged", result.Stdout);
        Assert.Equal("[a][b]", RenderWithJinja2(output, """[{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]""", false));
    }
}
