using System.Text;

namespace DeclarativeSft.Tokenizers.Tests;

public sealed class ByteTokenizerTests
{
    private static readonly string[] Specials = ["<|im_start|>", "<|im_end|>", "<|endoftext|>"];

    [Fact]
    public void Text_becomes_its_utf8_bytes_and_specials_follow_the_bytes()
    {
        var tokenizer = new ByteTokenizer(Specials);
        Assert.Equal(259, tokenizer.VocabSize);
        Assert.Equal([256, 257, 258], Specials.Select(s => tokenizer.TokenToId(s)!.Value));
        foreach (var text in ParityCorpus.Texts.Where(t => !Specials.Any(t.Contains)))
            Assert.Equal(Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray(), tokenizer.Encode(text));
    }

    [Fact]
    public void Special_strings_inside_text_are_split_out_first()
    {
        var tokenizer = new ByteTokenizer(Specials);
        const string text = "<|im_start|>user\nhé<|im_end|><|endoftext|>";
        var expected = new List<int> { 256 };
        expected.AddRange(Encoding.UTF8.GetBytes("user\nhé").Select(b => (int)b));
        expected.AddRange([257, 258]);
        Assert.Equal(expected, tokenizer.Encode(text));
        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
        Assert.Equal("user\nhé", tokenizer.Decode(tokenizer.Encode(text), skipSpecialTokens: true));
    }

    [Fact]
    public void Offsets_point_at_the_character_each_byte_belongs_to()
    {
        var tokenizer = new ByteTokenizer(Specials);
        const string text = "a😀é<|im_end|>";
        var tokens = tokenizer.EncodeWithOffsets(text);
        // 'a' (1 byte), 😀 (4 bytes, 2 UTF-16 units), é (2 bytes), then the special token.
        Assert.Equal([(0, 1), (1, 3), (1, 3), (1, 3), (1, 3), (3, 4), (3, 4), (4, 14)], tokens.Select(t => (t.Start, t.End)));
        foreach (var t in ParityCorpus.Texts) OffsetChecks.AssertCoversInput("bytes", tokenizer, t);
    }

    [Fact]
    public void Bos_is_added_only_when_asked_and_new_specials_get_the_next_ids()
    {
        var tokenizer = new ByteTokenizer(Specials, bosToken: "<|endoftext|>", eosToken: "<|im_end|>");
        Assert.Equal(258, tokenizer.BosTokenId);
        Assert.Equal(257, tokenizer.EosTokenId);
        Assert.Equal([258, (int)'x'], tokenizer.Encode("x", addSpecialTokens: true));
        Assert.Equal([(int)'x'], tokenizer.Encode("x"));
        Assert.Equal([259, 257], ((ITokenizer)tokenizer).AddSpecialTokens(["<SOT>", "<|im_end|>"]));
        Assert.Equal([(int)'a', 259, (int)'b'], tokenizer.Encode("a<SOT>b"));
    }

    [Fact]
    public void Unknown_ids_are_rejected_with_the_id_named()
    {
        var tokenizer = new ByteTokenizer(Specials);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([65, 300]));
        Assert.Contains("300", e.Message);
    }

    // Through Microsoft.ML.Tokenizers' base class only; the reference is .NET's own UTF-8 encoder.
    [Fact]
    public void As_a_Microsoft_ML_tokenizer_ids_counts_values_offsets_and_decode_are_the_utf8_bytes()
    {
        Microsoft.ML.Tokenizers.Tokenizer tokenizer = new ByteTokenizer(Specials, bosToken: "<|endoftext|>");
        foreach (var text in ParityCorpus.Texts.Where(t => !Specials.Any(t.Contains)))
        {
            var bytes = Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray();
            Assert.Equal(bytes, tokenizer.EncodeToIds(text));
            Assert.Equal(bytes.Length, tokenizer.CountTokens(text));
            var tokens = tokenizer.EncodeToTokens(text, out var normalized);
            Assert.Null(normalized);
            Assert.Equal(bytes.Select(b => $"<0x{b:X2}>"), tokens.Select(t => t.Value));
            foreach (var t in tokens)
            {
                // Each byte's span is exactly the character it is part of.
                var (start, end) = (t.Offset.Start.Value, t.Offset.End.Value);
                Assert.Contains(Encoding.UTF8.GetBytes(text[start..end]), b => b == t.Id);
                Assert.True(end - start == (char.IsHighSurrogate(text[start]) ? 2 : 1));
            }
            Assert.Equal(text, tokenizer.Decode(bytes));
        }
        var withBos = ((ByteTokenizer)tokenizer).WithSpecialTokens();
        Assert.Equal([258, (int)'h', (int)'i'], withBos.EncodeToIds("hi"));
        Assert.Equal(3, withBos.CountTokens("hi"));
    }

    [Fact]
    public void As_a_Microsoft_ML_tokenizer_cuts_by_token_count_fall_on_character_boundaries()
    {
        Microsoft.ML.Tokenizers.Tokenizer tokenizer = new ByteTokenizer(Specials);
        const string text = "a😀é<|im_end|>z";
        // bytes: a | F0 9F 98 80 | C3 A9 | <|im_end|> | z  = 1 + 4 + 2 + 1 + 1 = 9 tokens
        int[] expectedCount = [0, 1, 1, 1, 1, 5, 5, 7, 8, 9, 9];
        int[] expectedIndex = [0, 1, 1, 1, 1, 3, 3, 4, 14, 15, 15];
        int[] expectedCountFromEnd = [0, 1, 2, 2, 4, 4, 4, 4, 8, 9, 9];
        int[] expectedIndexFromEnd = [15, 14, 4, 4, 3, 3, 3, 3, 1, 0, 0];
        for (var max = 1; max <= 10; max++)
        {
            Assert.Equal(expectedIndex[max], tokenizer.GetIndexByTokenCount(text, max, out _, out var count));
            Assert.Equal(expectedCount[max], count);
            Assert.Equal(expectedIndexFromEnd[max], tokenizer.GetIndexByTokenCountFromEnd(text, max, out _, out var fromEnd));
            Assert.Equal(expectedCountFromEnd[max], fromEnd);
            // And against the UTF-8 encoder: the text before the index is exactly that many tokens.
            Assert.Equal(count, tokenizer.CountTokens(text[..expectedIndex[max]]));
            Assert.Equal(fromEnd, tokenizer.CountTokens(text[expectedIndexFromEnd[max]..]));
        }
    }
}
