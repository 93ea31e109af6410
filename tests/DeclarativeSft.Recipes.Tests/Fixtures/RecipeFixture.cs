using DeclarativeSft.Recipes;

namespace DeclarativeSft.Recipes.Tests.Fixtures;

/// <summary>
/// A valid recipe with its model folder and data held in memory. Line numbers of <see cref="Recipe"/> are
/// referenced by the tests: keep the text as is.
/// </summary>
public static class RecipeFixture
{
    public static readonly string Root = OperatingSystem.IsWindows() ? @"C:\sft" : "/sft";
    public static string RecipePath => Path.Combine(Root, "r", "recipe.sft.yaml");
    public static string ModelDir => Path.Combine(Root, "models", "m");
    public static string ConfigPath => Path.Combine(ModelDir, "config.json");
    public static string TokenizerPath => Path.Combine(ModelDir, "tokenizer.json");
    public static string TokenizerConfigPath => Path.Combine(ModelDir, "tokenizer_config.json");
    public static string DataPath => Path.Combine(Root, "r", "data", "train.jsonl");
    public static string GeneralPath => Path.Combine(Root, "r", "data", "general.jsonl");

    public const string Recipe =
        "name: demo\n" +                          // 1
        "model:\n" +                              // 2
        "  path: ../models/m\n" +                 // 3
        "template:\n" +                           // 4
        "  format: chatml\n" +                    // 5
        "mask:\n" +                               // 6
        "  train_on: assistant\n" +               // 7
        "  train_eos: true\n" +                   // 8
        "data:\n" +                               // 9
        "  train: data/train.jsonl\n" +           // 10
        "  format: messages\n" +                  // 11
        "  validation: { split: 0.1 }\n" +        // 12
        "  max_seq_len: 512\n" +                  // 13
        "lora:\n" +                               // 14
        "  r: 8\n" +                              // 15
        "  alpha: 16\n" +                         // 16
        "  target_modules: [q_proj, v_proj]\n" +  // 17
        "training:\n" +                           // 18
        "  epochs: 2\n" +                         // 19
        "  micro_batch_size: 2\n" +               // 20
        "  gradient_accumulation_steps: 2\n" +    // 21
        "  learning_rate: 2.0e-4\n" +             // 22
        "  warmup_ratio: 0.05\n" +                // 23
        "output:\n" +                             // 24
        "  dir: out/demo\n";                      // 25

    public const string Config =
        "{\"architectures\": [\"Qwen2ForCausalLM\"], \"hidden_size\": 896, \"intermediate_size\": 4864, \"num_hidden_layers\": 24, " +
        "\"num_attention_heads\": 14, \"num_key_value_heads\": 2, \"vocab_size\": 151936, \"tie_word_embeddings\": true}";

    public const string Tokenizer =
        "{\"added_tokens\": [{\"id\": 5, \"content\": \"<|im_start|>\"}, {\"id\": 6, \"content\": \"<|im_end|>\"}, {\"id\": 7, \"content\": \"<A>\"}]," +
        " \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"<S>\": 2, \"</S>\": 3, \"<U>\": 4, \"</U>\": 8}}}";

    public const string TokenizerConfig =
        "{\"eos_token\": \"<|im_end|>\", \"chat_template\": \"{% for m in messages %}<|im_start|>{{ m.role }}\\n{{ m.content }}<|im_end|>\\n{% endfor %}\"}";

    public const string Line = "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]}";

    /// <summary>Line <paramref name="i"/> (0-based) of the fixture data: <see cref="Line"/> first, then chats that differ
    /// from each other in prompt and answer length, so the dataset checks (duplicates, length calibration) stay quiet.</summary>
    /// <param name="prompt">The user message (another source's data differs from this one's by it).</param>
    public static string DataLine(int i, string prompt) => i == 0 && prompt == "a" ? Line
        : "{\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"},{\"role\":\"assistant\",\"content\":\"" + new string('b', 1 + i % 3 * 2) + i + "\"}]}";

    public static string DataLine(int i) => DataLine(i, "a");

    public static string Data(int lines = 40, string prompt = "a") => string.Concat(Enumerable.Range(0, lines).Select(i => DataLine(i, prompt) + "\n"));

    public static Dictionary<string, string> Files(int dataLines = 40) => new()
    {
        [ConfigPath] = Config,
        [TokenizerPath] = Tokenizer,
        [TokenizerConfigPath] = TokenizerConfig,
        [DataPath] = Data(dataLines),
    };

    public static IReadOnlyList<RecipeDiagnostic> Validate(string recipe, IDictionary<string, string> files, ComponentCatalog? components = null) =>
        RecipeValidator.Validate(RecipePath, recipe,
            new InMemoryRecipeFiles(files.Where(f => f.Value != CharacterDevice).ToDictionary(),
                files.Where(f => f.Value == CharacterDevice).ToDictionary(f => f.Key, _ => "a character device")), components);

    /// <summary>Put as a file's content: the path is a character device (like /dev/zero), not a regular file.</summary>
    public const string CharacterDevice = "\0(character device)";

    /// <summary>The fixture recipe with one literal replacement (which must match).</summary>
    public static string With(string oldText, string newText)
    {
        Assert.Contains(oldText, Recipe);
        return Recipe.Replace(oldText, newText);
    }

    /// <summary>The data with line <paramref name="lineNumber"/> (1-based) replaced.</summary>
    public static string DataWithLine(int lineNumber, string line, int lines = 40)
    {
        var all = Enumerable.Range(0, lines).Select(DataLine).ToArray();
        all[lineNumber - 1] = line;
        return string.Join("\n", all) + "\n";
    }
}
