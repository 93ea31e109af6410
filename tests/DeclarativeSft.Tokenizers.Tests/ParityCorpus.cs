using System.Text;

namespace DeclarativeSft.Tokenizers.Tests;

/// <summary>Texts on which our encodings must equal Hugging Face's: hand-picked cases for each tricky part of
/// the pipeline plus deterministic random mixes of scripts, marks, emoji, digits, whitespace and special-token
/// strings (no lone surrogates: they cannot round-trip through UTF-8 in either implementation).</summary>
public static class ParityCorpus
{
    private static readonly string[] Handpicked =
    [
        "",
        " ",
        "Hello world",
        "Hello, world! How are you doing today?",
        "  leading spaces and trailing spaces  ",
        "I'm sure they'll say it's fine, we've done it, you're right, I'd agree. DON'T SHOUT, WE'LL SEE, IT'S",
        "'s 't 're 've 'm 'll 'd 'S 'T 'RE 'Ve 'LL",
        "def fibonacci(n: int) -> int:\n    if n < 2:\n        return n\n    return fibonacci(n - 1) + fibonacci(n - 2)\n",
        "public static async Task<int> Main(string[] args)\n{\n\tConsole.WriteLine($\"{args.Length} args\");\n\treturn 0;\n}\n",
        "fn main() {\n    let v: Vec<u64> = (1..=10).map(|x| x * x).collect();\n    println!(\"{:?}\", v);\n}",
        "SELECT id, name FROM users WHERE created_at >= '2024-01-01' ORDER BY name DESC LIMIT 10;",
        "<html><body><div class=\"a b\">&nbsp;x &amp; y</div></body></html>",
        "const f = (a, b) => a ?? b; // nullish\n/* block */ let x = `tmpl ${f(1, 2)}`;",
        "#include <stdio.h>\nint main(void){printf(\"%d\\n\", 42);return 0;}",
        "中文分词测试：我们今天去北京大学吃饭。日本語のテキストも混ぜます。한국어 문장도 있습니다.",
        "Emoji: 😀😃😄 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️ 🇫🇷🇯🇵 done",
        "Combining: e\u0301 a\u0300 o\u0308 n\u0303 — precomposed: é à ö ñ; stacked: a\u0301\u0302\u0303",
        "Hangul jamo: \u1100\u1161\u11A8 vs 각",
        "Numbers: 0 12 123 1234 12345 3.14159 -42 1e10 1,000,000 ٣٤٥ ९८७ Ⅻ ½ ²³",
        "Whitespace runs:          ten spaces\t\ttabs\t\n\n\nnewlines\r\nCRLF\r\n\r\n  \n \t \u00A0nbsp\u3000ideographic\u2009thin",
        "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n",
        "trailing newline\n",
        "   ",
        "\t",
        "\r\n",
        "RTL: مرحبا بالعالم! שלום עולם. Mixed עברית and English.",
        "Devanagari: नमस्ते दुनिया, Thai: สวัสดีชาวโลก, Greek: Καλημέρα κόσμε, Cyrillic: Привет, мир!",
        "Math bold letters 𝐀𝐁𝐂 𝒳𝒴 and CJK ext B 𠀀𠀁 and old italic 𐌀𐌁",
        "Special strings inside text: <|im_start|>user\nhi<|im_end|> <s> </s> <bos><eos> <|begin_of_text|> <|eot_id|> <unk> <start_of_turn>model",
        "<|im_start|><|im_end|><|endoftext|>",
        "almost special: <|im_start| <s > </ s> <|endoftext",
        "Supercalifragilisticexpialidocious " + new string('a', 300) + " " + string.Concat(Enumerable.Repeat("abc", 150)),
        "URL https://example.com/path?query=1&b=%20x#frag and email first.last+tag@example.co.uk",
        "Punctuation!!! ??? ... --- *** ### @@@ $$$ %%% ^^^ &&& ((( ))) [[[ ]]] {{{ }}} ||| \\\\ /// ~~~ ```",
        "Mixed\u200Bzero\u200Cwidth\u200Djoiners\uFEFFbom",
        "Ünïcödé Çåsé ÆØÅ ß ẞ ǅ ﬁ ﬂ Ⅷ ㎏ ①②③",
        "JSON: {\"key\": [1, 2.5, true, null], \"nested\": {\"a\": \"b\"}}",
        "tabs\tand\tspaces \t mixed\t \t",
        "A" + new string(' ', 100) + "B",
        "x\u0085y\u2028z\u2029w",
        "yes!\n\nno?\r\rmaybe.\n \n",
        "    indented code\n        more indented\n",
        "\u00A0\u00A0leading nbsp",
        "Ελληνικά και 🇬🇷 και 123 και 'quoted' και \"double\"",
    ];

    public static IReadOnlyList<string> Texts { get; } = Build();

    private static List<string> Build()
    {
        var texts = new List<string>(Handpicked);
        var random = new Random(20240617);
        var pools = new[]
        {
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "0123456789",
            " \t\n\r  ",
            ".,;:!?'\"()[]{}<>-_+=*/\\|@#$%^&~`",
            "éèêëàâäôöûüçñÉÀßøåæ",
            "的一是不了人我在有他这为之大来以个中上们日本語ひらがなカタカナ한국어",
            "\u0301\u0300\u0308\u0303\u0327\u20DD",
            "مرحباשלוםनमस्तेสวัสดี",
            "٠١٢٣٤٥٦٧٨٩½²³Ⅻ",
            "\u00A0\u3000\u2009\u200B\u200D",
        };
        var astral = new[] { "😀", "👍🏽", "👨‍👩‍👧", "🏳️‍🌈", "𝐀", "𠀀", "🇯🇵", "❤️", "🤖" };
        var specials = new[] { "<|im_start|>", "<|im_end|>", "<s>", "</s>", "<bos>", "<|endoftext|>", "<|begin_of_text|>", "<start_of_turn>" };
        for (var n = 0; n < 150; n++)
        {
            var sb = new StringBuilder();
            var length = random.Next(1, n < 120 ? 60 : 600);
            for (var k = 0; k < length; k++)
            {
                var roll = random.Next(100);
                if (roll < 4) sb.Append(astral[random.Next(astral.Length)]);
                else if (roll < 6) sb.Append(specials[random.Next(specials.Length)]);
                else
                {
                    var pool = pools[random.Next(pools.Length)];
                    var run = random.Next(1, 8);
                    for (var r = 0; r < run; r++) sb.Append(pool[random.Next(pool.Length)]);
                }
            }
            texts.Add(sb.ToString());
        }
        return texts;
    }
}
