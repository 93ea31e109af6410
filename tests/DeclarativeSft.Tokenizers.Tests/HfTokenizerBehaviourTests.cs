using System.Text;
using DeclarativeSft.Tokenizers.Tests.Oracle;

namespace DeclarativeSft.Tokenizers.Tests;

/// <summary>Behaviour beyond id parity: offsets that reproduce the text, added special tokens, load errors.</summary>
public sealed class HfTokenizerBehaviourTests
{
    private static readonly Lazy<HfTokenizer> Qwen = new(() => HfTokenizer.FromDirectory(OracleFiles.TokenizerDir("qwen3")));
    private static readonly Lazy<HfTokenizer> Llama2 = new(() => HfTokenizer.FromDirectory(OracleFiles.TokenizerDir("llama2")));

    [Fact]
    public void Byte_level_token_spans_are_the_text_each_token_decodes_to()
    {
        var tokenizer = Qwen.Value;
        var checkedTokens = 0;
        foreach (var text in ParityCorpus.Texts.Where(t => t.IsNormalized()))
        {
            var tokens = tokenizer.EncodeWithOffsets(text);
            for (var k = 0; k < tokens.Count; k++)
            {
                var t = tokens[k];
                // Tokens that split a character between them share its span; they decode to partial bytes.
                var shared = k > 0 && tokens[k - 1].End > t.Start || k + 1 < tokens.Count && tokens[k + 1].Start < t.End;
                if (shared) continue;
                Assert.Equal(text[t.Start..t.End], tokenizer.Decode([t.Id]));
                checkedTokens++;
            }
        }
        Assert.True(checkedTokens > 1000, $"only {checkedTokens} tokens checked");
    }

    [Fact]
    public void SentencePiece_spans_map_the_meta_space_back_to_the_space_it_replaced()
    {
        var tokenizer = Llama2.Value;
        const string text = "Hello  world, 😀 done \U0001F9FF";
        var tokens = tokenizer.EncodeWithOffsets(text);
        var rebuilt = new StringBuilder();
        var lastEnd = 0;
        var fallbackPieces = 0;
        foreach (var t in tokens)
        {
            var piece = tokenizer.IdToToken(t.Id)!;
            var spanText = text[t.Start..t.End];
            if (piece.StartsWith("<0x", StringComparison.Ordinal))
            {
                Assert.Equal("\U0001F9FF", spanText); // each byte-fallback piece spans the whole character
                fallbackPieces++;
                if (t.Start >= lastEnd) rebuilt.Append(spanText);
                lastEnd = t.End;
                continue;
            }
            // The "▁" prepended to the text has no character of its own: its span is empty.
            var expected = piece.Replace('\u2581', ' ');
            Assert.True(spanText == expected || t.Start == 0 && " " + spanText == expected, $"token {piece} has span \"{spanText}\"");
            rebuilt.Append(spanText);
            lastEnd = t.End;
        }
        Assert.Equal(4, fallbackPieces);
        Assert.Equal(text, rebuilt.ToString());
    }

    [Fact]
    public void Added_special_tokens_get_ids_after_the_vocabulary_and_are_split_out()
    {
        var tokenizer = HfTokenizer.FromDirectory(OracleFiles.TokenizerDir("qwen3"));
        var before = tokenizer.VocabSize;
        var plainA = tokenizer.Encode("Hello there");
        var plainB = tokenizer.Encode(" General Kenobi");
        var ids = tokenizer.AddSpecialTokens(["<SOT>", "<EOT>", "<|im_end|>"]);
        Assert.Equal([before, before + 1, tokenizer.TokenToId("<|im_end|>")!.Value], ids);
        Assert.Equal(before + 2, tokenizer.VocabSize);
        Assert.Equal([before, .. plainA, before + 1, .. plainB], tokenizer.Encode("<SOT>Hello there<EOT> General Kenobi"));
        Assert.Equal("Hello there General Kenobi", tokenizer.Decode(tokenizer.Encode("<SOT>Hello there<EOT> General Kenobi"), skipSpecialTokens: true));
        Assert.Equal("<SOT>x<EOT>", tokenizer.Decode(tokenizer.Encode("<SOT>x<EOT>")));
    }

    [Fact]
    public void Bos_and_eos_come_from_tokenizer_config()
    {
        Assert.Equal(1, Llama2.Value.BosTokenId);
        Assert.Equal(2, Llama2.Value.EosTokenId);
        Assert.Null(Qwen.Value.BosTokenId);
        Assert.Equal(Qwen.Value.TokenToId("<|im_end|>"), Qwen.Value.EosTokenId);
        Assert.Equal([1], Llama2.Value.Encode("", addSpecialTokens: true));
    }

    [Fact]
    public void Missing_or_malformed_files_give_errors_naming_the_file()
    {
        using var temp = new TempFolder("tok-test");
        var missing = Assert.Throws<TokenizerLoadException>(() => HfTokenizer.FromDirectory(temp.Path));
        Assert.Contains("tokenizer.json", missing.Message);

        var path = temp.Write("tokenizer.json", "{\n  \"model\": {\n    \"type\": \"BPE\",\n  ");
        var bad = Assert.Throws<TokenizerLoadException>(() => HfTokenizer.FromFile(path));
        Assert.Contains(path, bad.Message);
        Assert.Contains("line", bad.Message);

        temp.Write("tokenizer.json", "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
        var unsupported = Assert.Throws<TokenizerLoadException>(() => HfTokenizer.FromFile(path));
        Assert.Contains("Unigram", unsupported.Message);
    }

    [Fact]
    public void Decoding_an_id_outside_the_vocabulary_names_it()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Llama2.Value.Decode([5, 999_999]));
        Assert.Contains("999999", e.Message);
    }
}
