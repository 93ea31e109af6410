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
}
