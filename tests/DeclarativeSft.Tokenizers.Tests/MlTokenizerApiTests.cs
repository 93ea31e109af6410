using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using DeclarativeSft.Tokenizers.Tests.Oracle;
using Ml = Microsoft.ML.Tokenizers;

namespace DeclarativeSft.Tokenizers.Tests;

/// <summary>
/// <see cref="HfTokenizer"/> used only as a <see cref="Ml.Tokenizer"/> (the base-class API other .NET code calls),
/// compared with Hugging Face's JS tokenizer on the npm tokenizer files over <see cref="ParityCorpus"/>: ids, token
/// strings, counts, decoding, and the cut points of <c>GetIndexByTokenCount</c> (both ways), which are checked by
/// having Hugging Face decode the tokens before the cut and comparing with the text before the returned index.
/// </summary>
public sealed class MlTokenizerApiTests
{
    public static TheoryData<string> Names => new(OracleFiles.TokenizerNames);

    private sealed record Case(string Dir, HfTokenizer Hf, int[][] Plain, string[][] PlainTokens, int[][] Special,
        List<int[]> DecodeInputs, string[] Decoded, string[] PlainDecodedRaw);

    private static readonly ConcurrentDictionary<string, Lazy<Case>> Cases = new();

    private static Case Get(string name) => Cases.GetOrAdd(name, n => new Lazy<Case>(() => Build(n))).Value;

    private static Case Build(string name)
    {
        var dir = OracleFiles.TokenizerDir(name);
        var hf = HfTokenizer.FromDirectory(dir);
        var random = new Random(11);
        var decodeInputs = new List<int[]>();
        for (var k = 0; k < 40; k++)
            decodeInputs.Add(Enumerable.Range(0, random.Next(1, 30)).Select(_ => random.Next(hf.VocabSize)).ToArray());
        var request = new JsonObject
        {
            ["tokenizer"] = dir,
            ["texts"] = new JsonArray(ParityCorpus.Texts.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["decode"] = new JsonArray(decodeInputs.Select(Ids).ToArray()),
        };
        var answer = HfTokenizerOracle.Run("encode", request);
        return new Case(dir, hf, ToIds(answer["plain"]!), ToStrings2(answer["plainTokens"]!), ToIds(answer["special"]!),
            decodeInputs, ToStrings(answer["decoded"]!), ToStrings(answer["plainDecodedRaw"]!));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EncodeToIds_and_CountTokens_equal_HuggingFace_without_special_tokens_by_default(string name)
    {
        var c = Get(name);
        Ml.Tokenizer tokenizer = c.Hf;
        for (var k = 0; k < ParityCorpus.Texts.Count; k++)
        {
            var text = ParityCorpus.Texts[k];
            AssertIds(name, k, c.Plain[k], tokenizer.EncodeToIds(text));
            AssertIds(name, k, c.Plain[k], tokenizer.EncodeToIds(text.AsSpan()));
            Assert.True(c.Plain[k].Length == tokenizer.CountTokens(text), $"{name}: CountTokens of corpus text #{k}");
            Assert.Equal(c.Plain[k].Length, tokenizer.CountTokens(text.AsSpan()));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void WithSpecialTokens_equals_HuggingFace_with_add_special_tokens(string name)
    {
        var c = Get(name);
        var tokenizer = c.Hf.WithSpecialTokens();
        for (var k = 0; k < ParityCorpus.Texts.Count; k++)
        {
            var text = ParityCorpus.Texts[k];
            AssertIds(name, k, c.Special[k], tokenizer.EncodeToIds(text));
            AssertIds(name, k, c.Special[k], tokenizer.EncodeToTokens(text, out _).Select(t => t.Id).ToArray());
            Assert.Equal(c.Special[k].Length, tokenizer.CountTokens(text));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EncodeToTokens_gives_HuggingFace_ids_and_token_strings_with_offsets_into_the_input(string name)
    {
        var c = Get(name);
        Ml.Tokenizer tokenizer = c.Hf;
        for (var k = 0; k < ParityCorpus.Texts.Count; k++)
        {
            var text = ParityCorpus.Texts[k];
            var tokens = tokenizer.EncodeToTokens(text, out var normalized);
            Assert.Null(normalized); // offsets are into the text passed in
            AssertIds(name, k, c.Plain[k], tokens.Select(t => t.Id).ToArray());
            Assert.True(c.PlainTokens[k].SequenceEqual(tokens.Select(t => t.Value)),
                $"{name}: token strings of corpus text #{k} {HfParityTests.Show(text)}\n expected [{string.Join("|", c.PlainTokens[k])}]\n actual   [{string.Join("|", tokens.Select(t => t.Value))}]");
            var withOffsets = c.Hf.EncodeWithOffsets(text);
            Assert.Equal(withOffsets.Select(t => (t.Start, t.End)), tokens.Select(t => (t.Offset.Start.Value, t.Offset.End.Value)));
            Assert.Equal(tokens.Select(t => (t.Id, t.Value, t.Offset)), tokenizer.EncodeToTokens(text.AsSpan(), out _).Select(t => (t.Id, t.Value, t.Offset)));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decode_equals_HuggingFace_decode(string name)
    {
        var c = Get(name);
        Ml.Tokenizer tokenizer = c.Hf;
        var inputs = c.DecodeInputs.Concat(c.Plain.Where(ids => ids.Length > 0)).ToList();
        var expected = c.Decoded.Concat(DecodeInOracle(c.Dir, c.Plain.Where(ids => ids.Length > 0).Select(ids => (ids, new[] { ids.Length })).ToList(), cleanup: null).Select(d => d[0])).ToList();
        for (var k = 0; k < inputs.Count; k++)
        {
            var ids = inputs[k];
            Assert.True(expected[k] == tokenizer.Decode(ids),
                $"{name}: decode of [{string.Join(",", ids)}]\n expected {HfParityTests.Show(expected[k])}\n actual   {HfParityTests.Show(tokenizer.Decode(ids))}");
            var buffer = new char[expected[k].Length + 4];
            Assert.Equal(OperationStatus.Done, tokenizer.Decode(ids, buffer, out var consumed, out var written));
            Assert.Equal(ids.Length, consumed);
            Assert.Equal(expected[k], new string(buffer, 0, written));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decode_into_a_short_buffer_writes_HuggingFace_decoding_of_the_ids_it_consumed(string name)
    {
        var c = Get(name);
        Ml.Tokenizer tokenizer = c.Hf;
        var cases = new List<(int[] Ids, int Consumed, string Written, int Room)>();
        foreach (var ids in c.Plain.Where(ids => ids.Length >= 4).Take(60))
        {
            var full = tokenizer.Decode(ids);
            if (full.Length < 2) continue;
            var buffer = new char[full.Length / 2];
            Assert.Equal(OperationStatus.DestinationTooSmall, tokenizer.Decode(ids, buffer, out var consumed, out var written));
            Assert.True(consumed < ids.Length && written <= buffer.Length);
            cases.Add((ids, consumed, new string(buffer, 0, written), buffer.Length));
        }
        Assert.NotEmpty(cases);
        var expected = DecodeInOracle(c.Dir, cases.Select(x => (x.Ids, new[] { x.Consumed, x.Consumed + 1 })).ToList(), cleanup: null);
        for (var k = 0; k < cases.Count; k++)
        {
            Assert.True(expected[k][0] == cases[k].Written,
                $"{name}: wrote {HfParityTests.Show(cases[k].Written)} for {cases[k].Consumed} ids; Hugging Face decodes them to {HfParityTests.Show(expected[k][0])}");
            Assert.True(expected[k][1].Length > cases[k].Room, $"{name}: {cases[k].Consumed + 1} ids would still have fitted in {cases[k].Room} chars");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void GetIndexByTokenCount_cuts_where_HuggingFace_tokens_decode_to_the_text_before_the_index(string name)
    {
        var c = Get(name);
        Ml.Tokenizer tokenizer = c.Hf;
        // Texts that Hugging Face's decode gives back unchanged: there, decode(tokens before a cut) must be the text
        // before the index, and a cut one token further must not decode to a prefix of the text (maximality).
        var checks = new List<(int Text, int Max, bool FromEnd, int Index, int Count)>();
        var items = new List<(int[] Ids, int[] Cuts)>();
        var checked_ = 0;
        for (var k = 0; k < ParityCorpus.Texts.Count; k++)
        {
            var text = ParityCorpus.Texts[k];
            var ids = c.Plain[k];
            if (ids.Length == 0 || c.PlainDecodedRaw[k] != text) continue;
            checked_++;
            var n = ids.Length;
            var maxima = n <= 40 ? Enumerable.Range(1, n + 1) : Enumerable.Range(1, 12).Concat(Enumerable.Range(0, 16).Select(i => 1 + i * n / 16)).Concat(Enumerable.Range(n - 6, 8)).Distinct();
            var cuts = new SortedSet<int>();
            foreach (var max in maxima)
            {
                var index = tokenizer.GetIndexByTokenCount(text, max, out var normalized, out var count);
                Assert.Null(normalized);
                Assert.True(count <= max && count <= n, $"{name}: text #{k} max {max}: {count} tokens");
                var prefixIds = tokenizer.EncodeToIds(text, max, out _, out var consumed);
                Assert.Equal(ids.Take(count), prefixIds);
                Assert.Equal(index, consumed);
                checks.Add((k, max, false, index, count));
                cuts.Add(count);
                for (var more = count + 1; more <= Math.Min(max, n); more++) cuts.Add(more);

                var indexFromEnd = tokenizer.GetIndexByTokenCountFromEnd(text, max, out normalized, out var countFromEnd);
                Assert.Null(normalized);
                Assert.True(countFromEnd <= max && countFromEnd <= n, $"{name}: text #{k} max {max} from end: {countFromEnd} tokens");
                checks.Add((k, max, true, indexFromEnd, countFromEnd));
                cuts.Add(n - countFromEnd);
                for (var more = countFromEnd + 1; more <= Math.Min(max, n); more++) cuts.Add(n - more);
            }
            items.Add((ids, cuts.ToArray()));
        }
        Assert.True(checked_ >= 50, $"{name}: only {checked_} corpus texts round-trip through decode");

        var decoded = DecodeInOracle(c.Dir, items, cleanup: false);
        var prefixes = new Dictionary<(int Text, int Cut), string>();
        var itemIndex = 0;
        for (var k = 0; k < ParityCorpus.Texts.Count; k++)
        {
            if (c.Plain[k].Length == 0 || c.PlainDecodedRaw[k] != ParityCorpus.Texts[k]) continue;
            for (var j = 0; j < items[itemIndex].Cuts.Length; j++) prefixes[(k, items[itemIndex].Cuts[j])] = decoded[itemIndex][j];
            itemIndex++;
        }
        foreach (var (k, max, fromEnd, index, count) in checks)
        {
            var text = ParityCorpus.Texts[k];
            var n = c.Plain[k].Length;
            var cut = fromEnd ? n - count : count;
            var where = $"{name}: text #{k} {HfParityTests.Show(text)}, max {max}{(fromEnd ? " from end" : "")}: {count} tokens, index {index}";
            Assert.True(prefixes[(k, cut)] == text[..index],
                $"{where}\n Hugging Face decodes the first {cut} tokens to {HfParityTests.Show(prefixes[(k, cut)])}\n text before the index is  {HfParityTests.Show(text[..index])}");
            for (var more = count + 1; more <= Math.Min(max, n); more++)
            {
                var further = prefixes[(k, fromEnd ? n - more : more)];
                Assert.False(text.StartsWith(further, StringComparison.Ordinal),
                    $"{where}\n {more} tokens would also cut at a character boundary (Hugging Face decodes the tokens before that cut to {HfParityTests.Show(further)})");
            }
        }
    }

    [Fact]
    public void Hf_tokenizer_and_its_view_are_Microsoft_ML_tokenizers()
    {
        Ml.Tokenizer plain = HfTokenizer.FromDirectory(OracleFiles.TokenizerDir("llama2"));
        var withSpecials = ((SftTokenizer)plain).WithSpecialTokens();
        Assert.False(((SftTokenizer)plain).AddsSpecialTokens);
        Assert.True(((SftTokenizer)withSpecials).AddsSpecialTokens);
        Assert.Same(withSpecials, ((SftTokenizer)withSpecials).WithSpecialTokens());
        var ids = withSpecials.EncodeToTokens("Hello", out _);
        Assert.Equal("<s>", ids[0].Value);
        Assert.Equal(new Range(0, 0), ids[0].Offset);
        Assert.Throws<ArgumentOutOfRangeException>(() => plain.GetIndexByTokenCount("Hello", 0, out _, out _));
    }

    [Fact]
    public void Pair_rank_table_spreads_real_merge_lists()
    {
        // A Dictionary<long, int> keyed (left << 32) | right hashes to left ^ right: Llama-3's merges collided
        // up to 548 deep. The table's longest probe must stay short on every real file.
        foreach (var name in new[] { "qwen3", "llama3", "llama2", "gemma3" })
        {
            var model = HfTokenizer.FromDirectory(OracleFiles.TokenizerDir(name)).Model;
            Assert.True(model.PairCount > 50_000, $"{name}: {model.PairCount} merges");
            Assert.True(model.LongestPairProbe <= 64, $"{name}: longest probe {model.LongestPairProbe}");
        }
    }

    [Fact]
    public void Long_unseen_words_and_character_runs_encode_like_HuggingFace()
    {
        var texts = new[]
        {
            new string('a', 300), new string('x', 1000), string.Concat(Enumerable.Repeat("zq", 400)),
            string.Concat(Enumerable.Range(0, 256).Select(i => (char)('a' + (i * 7 + i / 26) % 26))),
            string.Concat(Enumerable.Repeat("😀", 200)), string.Concat(Enumerable.Repeat("中", 300)), new string(' ', 500),
        };
        foreach (var name in OracleFiles.TokenizerNames)
        {
            var dir = OracleFiles.TokenizerDir(name);
            Ml.Tokenizer tokenizer = HfTokenizer.FromDirectory(dir);
            var answer = HfTokenizerOracle.Run("encode", new JsonObject
            {
                ["tokenizer"] = dir,
                ["texts"] = new JsonArray(texts.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
                ["decode"] = new JsonArray(),
            });
            var expected = ToIds(answer["plain"]!);
            for (var k = 0; k < texts.Length; k++) AssertIds(name, -1 - k, expected[k], tokenizer.EncodeToIds(texts[k]));
        }
    }

    [Fact]
    public void Lone_surrogates_encode_like_HuggingFace_instead_of_throwing()
    {
        // .NET's string.Normalize rejects lone surrogates; JavaScript's normalize keeps them, and both sides then
        // encode each as U+FFFD's UTF-8 bytes (byte-level files) or via byte fallback (SentencePiece files).
        string[] texts = ["a\uD800b", "\uDC00", "e\u0301\uD83D", "\uDE00e\u0301 caf\u00E9", "x\uD800\u0301y", "😀\uD83D😀"];
        foreach (var name in OracleFiles.TokenizerNames)
        {
            var dir = OracleFiles.TokenizerDir(name);
            Ml.Tokenizer tokenizer = HfTokenizer.FromDirectory(dir);
            var answer = HfTokenizerOracle.Run("encode", new JsonObject
            {
                ["tokenizer"] = dir,
                ["textUnits"] = new JsonArray(texts.Select(t => (JsonNode)new JsonArray(t.Select(ch => (JsonNode)JsonValue.Create((int)ch)!).ToArray())).ToArray()),
                ["decode"] = new JsonArray(),
            });
            var expected = ToIds(answer["plain"]!);
            for (var k = 0; k < texts.Length; k++)
                Assert.True(expected[k].SequenceEqual(tokenizer.EncodeToIds(texts[k])),
                    $"{name}: text {k}: expected [{string.Join(",", expected[k])}], got [{string.Join(",", tokenizer.EncodeToIds(texts[k]))}]");
        }
    }

    internal static List<string[]> DecodeInOracle(string dir, List<(int[] Ids, int[] Cuts)> items, bool? cleanup)
    {
        if (items.Count == 0) return [];
        var request = new JsonObject
        {
            ["tokenizer"] = dir,
            ["items"] = new JsonArray(items.Select(x => (JsonNode)new JsonObject
            {
                ["ids"] = Ids(x.Ids),
                ["cuts"] = new JsonArray(x.Cuts.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
                ["cleanup"] = cleanup is { } b ? JsonValue.Create(b) : null,
            }).ToArray()),
        };
        return HfTokenizerOracle.Run("decode_prefixes", request)["decoded"]!.AsArray().Select(ToStrings).ToList();
    }

    private static JsonNode Ids(int[] ids) => new JsonArray(ids.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray());

    private static int[][] ToIds(JsonNode node) =>
        node.AsArray().Select(a => a!.AsArray().Select(x => x!.GetValue<int>()).ToArray()).ToArray();

    private static string[] ToStrings(JsonNode? node) => node!.AsArray().Select(x => x!.GetValue<string>()).ToArray();

    private static string[][] ToStrings2(JsonNode node) => node.AsArray().Select(ToStrings).ToArray();

    private static void AssertIds(string name, int textIndex, int[] expected, IReadOnlyList<int> actual)
    {
        if (expected.AsSpan().SequenceEqual(actual.ToArray())) return;
        var first = 0;
        while (first < expected.Length && first < actual.Count && expected[first] == actual[first]) first++;
        var from = Math.Max(0, first - 3);
        var text = textIndex >= 0 ? HfParityTests.Show(ParityCorpus.Texts[textIndex]) : $"extra text {-1 - textIndex}";
        Assert.Fail($"{name}: {text}\nfirst difference at token {first} (expected {expected.Length} tokens, got {actual.Count})\n" +
                    $" expected ...[{string.Join(",", expected.Skip(from).Take(10))}]\n actual   ...[{string.Join(",", actual.Skip(from).Take(10))}]");
    }
}
