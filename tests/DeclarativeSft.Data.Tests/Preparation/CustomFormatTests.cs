using System.Text.Json;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Data.Tests.Preparation;

/// <summary>
/// data.format: custom — lines in the user's own JSON layout, turned into conversations by the recipe's data.transform
/// (here a function standing in for it). The reader hands each line over only once it is JSON, and what the
/// transform returns meets every rule a line read in a built-in format meets.
/// </summary>
public class CustomFormatTests
{
    private static DataPipelineOptions Custom(string path, Func<RawDataLine, Conversation?> read) =>
        DataPipelineOptions.ForFiles([path], DatasetFormat.Custom, 256) with { ReadCustom = read };

    /// <summary>A ticket line {"q", "a", "spam"?} → user/assistant; spam is left out.</summary>
    private static Conversation? Ticket(RawDataLine line)
    {
        using var doc = JsonDocument.Parse(line.Json);
        var root = doc.RootElement;
        if (root.TryGetProperty("spam", out var spam) && spam.GetBoolean()) return null;
        return new Conversation([new(ChatRoles.User, root.GetProperty("q").GetString()!), new(ChatRoles.Assistant, root.GetProperty("a").GetString()!)], line.File, line.Line);
    }

    [Fact]
    public void Each_line_reaches_the_transform_as_its_exact_text_at_its_file_and_line_and_what_it_returns_trains()
    {
        using var dir = new TempFolder();
        string[] lines =
        [
            """{"q": "printer?", "a": "Restart it.", "ticket": 17}""",
            "",
            """{"q": "buy now", "a": "!!!", "spam": true}""",
            """  {"a": "Use the reset link.", "q": "password?"}  """,
        ];
        var path = dir.Write("tickets.jsonl", string.Join("\r\n", lines) + "\n");
        var seen = new List<RawDataLine>();

        var read = DataPipeline.Read([path], Custom(path, line => { seen.Add(line); return Ticket(line); }) with { DefaultSystem = "Be brief." });

        // The transform saw every non-blank line, verbatim (without its line break), numbered as an editor numbers it.
        var expectedSeen = lines.Select((text, i) => new RawDataLine(text, path, i + 1)).Where(l => l.Json.Length > 0).ToList();
        Assert.Equal(expectedSeen, seen);
        // What trains is what it returned for each kept line, with the recipe's default system prompt added.
        var expected = lines.Select((text, i) => (Text: text, Line: i + 1)).Where(l => l.Text.Length > 0)
            .Select(l => (l.Line, Doc: JsonDocument.Parse(l.Text).RootElement))
            .Where(l => !l.Doc.TryGetProperty("spam", out _))
            .Select(l => (l.Line, "Be brief.", l.Doc.GetProperty("q").GetString()!, l.Doc.GetProperty("a").GetString()!)).ToList();
        Assert.Equal(expected, read.Select(c => (c.SourceLine, c.Messages[0].Content, c.Messages[1].Content, c.Messages[2].Content)));
        Assert.All(read, c => Assert.Equal(path, c.SourceFile));
    }

    [Fact]
    public void A_line_of_any_JSON_shape_is_handed_over_and_a_file_with_a_line_that_is_not_JSON_stops_at_its_line_and_column_before_any_transform_runs()
    {
        using var dir = new TempFolder();
        const string broken = "{\"q\": \"x\", \"a\": }";
        var good = dir.Write("any.jsonl", "[\"q\", \"a\"]\n\"just a string\"\n42\n");
        var bad = dir.Write("bad.jsonl", "[\"q\", \"a\"]\n\"just a string\"\n42\n" + broken + "\n[\"never\", \"read\"]\n");
        var seen = new List<(string, int)>();
        Conversation? Pair(RawDataLine line)
        {
            seen.Add((line.Json, line.Line));
            return new Conversation([new(ChatRoles.User, "q"), new(ChatRoles.Assistant, line.Json)], line.File, line.Line);
        }

        Assert.Equal(["[\"q\", \"a\"]", "\"just a string\"", "42"], DataPipeline.Read([good], Custom(good, Pair)).Select(c => c.Messages[1].Content));
        Assert.Equal([("[\"q\", \"a\"]", 1), ("\"just a string\"", 2), ("42", 3)], seen);

        seen.Clear();
        var e = Assert.Throws<DataFormatException>(() => DataPipeline.Read([bad], Custom(bad, Pair)));

        Assert.Empty(seen); // the whole file is checked as JSON first, as the build checks it
        Assert.Equal((4, DataProblemKind.NotJson), (e.Line, e.Kind));
        Assert.Equal(broken.IndexOf('}') + 1, e.Column); // at the '}' where a value was expected
        Assert.StartsWith($"{bad}:4:", e.Message);
    }

    [Fact]
    public void The_build_rejects_exactly_the_lines_the_run_rejects_and_both_agree_with_System_Text_Json()
    {
        string[] lines =
        [
            """{"q": "a", "a": "b"}""", "[1, 2]", "true", "null", "\"s\"", "-0.5e3", """{"deep": [[[[]]]]}""",
            "{", "}", "[1,]", "{\"a\" 1}", "nul", "'single'", "{\"a\": 1} {\"b\": 2}", "{\"t\": \"caf\uFFFD\"}", "{\"t\": \"caf\\ufffd\"}",
        ];
        var text = string.Join("\n", lines);
        var atBuild = new List<int>();
        DatasetReader.ReadJsonLines(text, "d.jsonl", _ => { }, p => { atBuild.Add(p.Line); return true; });
        var atRun = new List<int>();
        for (int i = 0; i < lines.Length; i++)
        {
            var options = DataPipelineOptions.ForFiles(["d.jsonl"], DatasetFormat.Custom, 256) with
            {
                ReadCustom = l => new Conversation([new(ChatRoles.User, "q"), new(ChatRoles.Assistant, "a")], l.File, l.Line),
            };
            try { DataPipeline.ReadLine(lines[i], "d.jsonl", i + 1, options); }
            catch (DataFormatException e) { Assert.Equal(i + 1, e.Line); atRun.Add(i + 1); }
        }
        // The oracle: System.Text.Json's strict parser, plus the reader's one rule beyond JSON (no literal U+FFFD).
        var expected = lines.Select((l, i) => (l, i + 1)).Where(x => !IsJson(x.l) || x.l.Contains('\uFFFD')).Select(x => x.Item2).ToList();

        Assert.Equal(expected, atBuild);
        Assert.Equal(expected, atRun);
        Assert.Equal(8, expected.Count); // the cases above: 7 valid values, an escaped U+FFFD, 7 broken lines, a literal U+FFFD
    }

    private static bool IsJson(string s)
    {
        try { using var _ = JsonDocument.Parse(s); return true; }
        catch (JsonException) { return false; }
    }

    [Fact]
    public void A_conversation_the_transform_makes_out_of_turn_order_is_refused_at_its_line()
    {
        using var dir = new TempFolder();
        var path = dir.Write("t.jsonl", "{\"q\": \"a\"}\n{\"q\": \"b\"}\n");
        Conversation? QuestionOnly(RawDataLine line) => line.Line == 1
            ? new Conversation([new(ChatRoles.User, "q"), new(ChatRoles.Assistant, "a")], line.File, line.Line)
            : new Conversation([new(ChatRoles.Assistant, "a"), new(ChatRoles.User, "q")], line.File, line.Line);

        var e = Assert.Throws<DataFormatException>(() => DataPipeline.Read([path], Custom(path, QuestionOnly)));

        Assert.Equal((2, DataProblemKind.WrongOrder), (e.Line, e.Kind));
        Assert.Contains("data.transform made this line a conversation it cannot train on: wrong order: message 1 is assistant but user was expected", e.Message);
    }

    [Fact]
    public void What_the_transform_returns_is_labelled_and_trained_like_a_conversation_read_in_a_built_in_format()
    {
        using var dir = new TempFolder();
        var custom = dir.Write("custom.jsonl", "{\"q\": \"hi\", \"a\": \"hello\"}\n{\"q\": \"2+2\", \"a\": \"4\"}\n");
        var messages = dir.Write("messages.jsonl", string.Concat(File.ReadAllLines(custom).Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            return JsonSerializer.Serialize(new { messages = new[] { new { role = "user", content = doc.RootElement.GetProperty("q").GetString() }, new { role = "assistant", content = doc.RootElement.GetProperty("a").GetString() } } }) + "\n";
        })));
        var template = new ChatMlTemplate();
        var masker = new LossMasker(new ByteTokenizer(template.SpecialTokens), template, new LossMaskOptions());

        var fromCustom = DataPipeline.Label(Custom(custom, Ticket), masker).Train;
        var fromMessages = DataPipeline.Label(DataPipelineOptions.ForFiles([messages], DatasetFormat.Messages, 256), masker).Train;

        Assert.Equal(2, fromCustom.Count);
        Assert.Equal(fromMessages.Select(e => (e.InputIds.ToArray(), e.Labels.ToArray())), fromCustom.Select(e => (e.InputIds.ToArray(), e.Labels.ToArray())));
    }

    [Fact]
    public void Custom_lines_cannot_be_read_without_the_transform_that_makes_them_conversations()
    {
        using var dir = new TempFolder();
        var path = dir.Write("t.jsonl", "{\"q\": \"a\"}\n");

        Assert.Throws<ArgumentException>(() => DatasetReader.ReadFile(path, DatasetFormat.Custom));
        Assert.Throws<ArgumentException>(() => DataPipeline.Read([path], DataPipelineOptions.ForFiles([path], DatasetFormat.Custom, 256)));
        Assert.Equal([new RawDataLine("{\"q\": \"a\"}", path, 1)], DatasetReader.ReadJsonFile(path));
    }
}
