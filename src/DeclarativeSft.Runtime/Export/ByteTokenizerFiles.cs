using System.Text.Json;
using System.Text.Json.Nodes;
using DeclarativeSft.Data;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Runtime.Export;

/// <summary>
/// Hugging Face tokenizer files for a model trained with <c>builtin:bytes</c>, so an exported folder loads in
/// Hugging Face tools (and <c>sft score</c>) with the exact ids it was trained on. The tokenizer.json is a byte-level
/// BPE with no merges: GPT-2's byte-to-character table maps byte b to one vocabulary entry with id b, and the
/// special tokens follow from 256 as added tokens.
/// </summary>
public static class ByteTokenizerFiles
{
    /// <summary>tokenizer.json and tokenizer_config.json (with the template's chat_template) by file name.</summary>
    public static IReadOnlyDictionary<string, string> Create(ByteTokenizer tokenizer, ChatTemplate template)
    {
        var byteChars = GptByteCharacters();
        var vocab = new JsonObject();
        for (int b = 0; b < 256; b++) vocab[byteChars[b].ToString()] = b;
        var added = new JsonArray();
        for (int i = 0; i < tokenizer.SpecialTokens.Count; i++)
            added.Add(new JsonObject
            {
                ["id"] = 256 + i, ["content"] = tokenizer.SpecialTokens[i], ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            });
        JsonObject ByteLevel() => new() { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = false };
        var json = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = ByteLevel(),
            ["post_processor"] = null,
            ["decoder"] = ByteLevel(),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null, ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = false,
                ["vocab"] = vocab, ["merges"] = new JsonArray(),
            },
        };
        string? Token(int? id) => id is int i ? tokenizer.IdToToken(i) : null;
        var config = new JsonObject
        {
            ["tokenizer_class"] = "PreTrainedTokenizerFast",
            ["bos_token"] = Token(tokenizer.BosTokenId),
            ["eos_token"] = Token(tokenizer.EosTokenId),
            ["pad_token"] = Token(tokenizer.EosTokenId),
            ["model_max_length"] = 1_000_000,
            ["clean_up_tokenization_spaces"] = false,
        };
        config["chat_template"] = template.ToHfChatTemplate();
        var indented = new JsonSerializerOptions { WriteIndented = true };
        return new Dictionary<string, string>
        {
            ["tokenizer.json"] = json.ToJsonString(indented),
            ["tokenizer_config.json"] = config.ToJsonString(indented),
        };
    }

    /// <summary>GPT-2's bytes_to_unicode: printable bytes map to themselves, the others to 256+n in byte order.</summary>
    private static char[] GptByteCharacters()
    {
        var map = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)(256 + next++);
        }
        return map;
    }
}
