using System.Collections.Generic;
using System.Linq;

namespace DeclarativeSft.Recipes;

/// <summary>One key the recipe format accepts, with its aliases and nested keys.</summary>
/// <param name="Example">A valid value, used in "write e.g." hints.</param>
public sealed record RecipeKey(string Name, string Example, IReadOnlyList<RecipeKey> Children, IReadOnlyList<string> Aliases)
{
    /// <summary>True when the key holds a mapping of further keys.</summary>
    public bool IsSection => Children.Count > 0;
}

/// <summary>
/// The key tree of recipe-format.md (names are a contract). The parser reads keys through it (unknown-key and
/// alias detection) and a test checks recipes/recipe.schema.json against it.
/// </summary>
public static class RecipeSchema
{
    private static RecipeKey K(string name, string example, params string[] aliases) =>
        new(name, example, new RecipeKey[0], aliases);

    private static RecipeKey S(string name, params RecipeKey[] children) =>
        new(name, "", children, new string[0]);

    /// <summary>Top-level keys.</summary>
    public static IReadOnlyList<RecipeKey> Root { get; } = new[]
    {
        K("name", "code-assistant"),
        S("model", K("path", "../models/Qwen2.5-0.5B"), S("init", K("preset", "tiny"), K("seed", "1"))),
        K("tokenizer", "model"),
        S("template",
            K("format", "chatml"),
            K("system", "\"You are a helpful assistant.\""),
            S("tokens", K("system", "[\"<SOT>\", \"<EOT>\"]"), K("user", "[\"<SOU>\", \"<EOU>\"]"), K("assistant", "[\"<SOA>\", \"<EOA>\"]")),
            K("add_special_tokens", "true")),
        S("mask", K("train_on", "assistant"), K("train_eos", "true")),
        S("data",
            K("train", "data/train.jsonl", "datasets"),
            K("format", "messages"),
            K("transform", "MyTransform"),
            S("validation", K("split", "0.05"), K("path", "data/val.jsonl")),
            K("max_seq_len", "1024", "max_seq_length", "cutoff_len", "sequence_len"),
            K("truncation", "drop"),
            K("packing", "true", "sample_packing"),
            S("replay", K("path", "data/general.jsonl"), K("ratio", "0.3")),
            S("quality", RecipeNames.QualityChecks.Select(c => K(c, "warning")).ToArray())),
        S("lora",
            K("r", "8", "lora_r"),
            K("alpha", "16", "lora_alpha"),
            K("dropout", "0.05", "lora_dropout"),
            K("target_modules", "[q_proj, v_proj]", "lora_target_modules"),
            K("use_rslora", "false"),
            K("modules_to_save", "[embed_tokens, lm_head]")),
        S("training",
            K("epochs", "2", "num_train_epochs", "num_epochs"),
            K("micro_batch_size", "4", "per_device_train_batch_size"),
            K("gradient_accumulation_steps", "4"),
            K("learning_rate", "2.0e-4", "lr"),
            K("lr_scheduler", "cosine", "lr_scheduler_type"),
            K("warmup_ratio", "0.05"),
            K("warmup_steps", "10"),
            K("weight_decay", "0.0"),
            K("max_grad_norm", "1.0"),
            K("freeze_layers", "0"),
            K("gradient_checkpointing", "false"),
            K("precision", "fp32"),
            K("device", "auto"),
            K("memory_budget", "24GiB"),
            K("seed", "42"),
            K("max_steps", "100")),
        S("regularization", K("l2_to_base", "0.0"), K("kl_to_base", "0.0")),
        S("eval",
            K("every_steps", "50", "eval_steps"),
            K("early_stopping_patience", "0"),
            K("samples", "[\"Write a function to reverse a string.\"]"),
            K("max_new_tokens", "128"),
            K("evaluators", "[validation_loss, exact_match]")),
        S("output",
            K("dir", "out/code-assistant", "output_dir"),
            K("save", "[adapter, merged]"),
            K("checkpoint_every_steps", "200", "save_steps"),
            K("keep_checkpoints", "3"),
            K("resume_from_checkpoint", "auto")),
        K("hooks", "[MyTrainingHook]"),
    };

    /// <summary>Keys of one <c>data.train</c> list item written as a mapping (<c>- { path: …, weight: 0.8, tag: task }</c>).
    /// Not part of <see cref="Root"/>: list items have no dotted key path.</summary>
    public static IReadOnlyList<RecipeKey> DataSource { get; } = new[]
    {
        K("path", "data/train.jsonl"), K("weight", "0.8"), K("tag", "task"),
    };

    /// <summary>
    /// Every dotted key path the parser accepts (canonical names and aliases), e.g. <c>training.learning_rate</c>.
    /// Keys that may hold either a value or a mapping (model.init, data.validation) appear with their children.
    /// </summary>
    public static IReadOnlyList<string> AllKeyPaths()
    {
        var paths = new List<string>();
        void Walk(IEnumerable<RecipeKey> keys, string prefix)
        {
            foreach (var key in keys)
            {
                paths.Add(prefix + key.Name);
                paths.AddRange(key.Aliases.Select(a => prefix + a));
                Walk(key.Children, prefix + key.Name + ".");
            }
        }
        Walk(Root, "");
        return paths;
    }
}
