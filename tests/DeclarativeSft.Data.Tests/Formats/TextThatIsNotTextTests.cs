using System.Text;
using DeclarativeSft.Jinja;

namespace DeclarativeSft.Data.Tests.Formats;

/// <summary>
/// Data that is not text (issue 10, item 6): invalid UTF-8, lone surrogate escapes and binary files are errors
/// naming the file and line (not U+FFFD, not "not found"); JSON nesting is limited as at build time.
/// </summary>
public sealed class TextThatIsNotTextTests : IDisposable
{
    private readonly TempFolder _temp = new("sft-text");

    public void Dispose() => _temp.Dispose();

    private const string Good = "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]}";

    private string WriteBytes(byte[] bytes)
    {
        string path = _temp["train.jsonl"];
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Invalid_utf8_is_an_error_at_its_line_and_column()
    {
        // line 3: {"messages":[{"role":"user","content":"h<0xFF>i"}, …
        var bytes = Utf8(Good + "\n" + Good.Replace("\"a\"", "\"é€\"") + "\n").Concat(Utf8("{\"messages\":[{\"role\":\"user\",\"content\":\"h"))
            .Concat(new byte[] { 0xFF }).Concat(Utf8("i\"},{\"role\":\"assistant\",\"content\":\"b\"}]}\n")).ToArray();
        var path = WriteBytes(bytes);
        var e = Assert.Throws<DataFormatException>(() => DatasetReader.ReadFile(path, DatasetFormat.Messages));
        Assert.Equal(path, e.File);
        Assert.Equal(3, e.Line);
        Assert.Contains("column 41", e.Message);
        Assert.Contains("UTF-8", e.Message);
        Assert.Contains("0xFF", e.Message);
    }

    [Fact]
    public void Valid_utf8_without_a_bom_reads()
    {
        var path = WriteBytes(Utf8(Good.Replace("\"a\"", "\"é € 😀\"") + "\n"));
        var examples = DatasetReader.ReadFile(path, DatasetFormat.Messages);
        Assert.Equal("é € 😀", examples[0].Messages[0].Content);
    }

    /// <summary>
    /// The build gets data files from the compiler already decoded, invalid bytes as U+FFFD, so it refuses U+FFFD
    /// (SFT0044, an error). The run refuses a literal U+FFFD in valid UTF-8 by the same rule and words, at the same
    /// line and column, so that a file the build rejects never trains. An escaped \ufffd is a deliberate value.
    /// </summary>
    [Fact]
    public void A_literal_replacement_character_is_refused_at_its_line_and_column_with_the_builds_words()
    {
        var line2 = Good.Replace("\"a\"", "\"caf\uFFFD\"");
        var path = WriteBytes(Utf8(Good + "\n" + line2 + "\n"));

        var e = Assert.Throws<DataFormatException>(() => DatasetReader.ReadFile(path, DatasetFormat.Messages));

        Assert.Equal((path, 2, line2.IndexOf('\uFFFD') + 1), (e.File, e.Line, e.Column));
        Assert.Equal(DataProblemKind.NotUtf8, e.Kind);
        Assert.Contains(DatasetReader.ReplacementCharacterProblem, e.Message);
        Assert.Contains($"column {e.Column}", e.Message);

        // What the build's reader sees for invalid bytes (the compiler's replacement decoding) is refused identically.
        int a = Good.IndexOf("\"a\"", StringComparison.Ordinal) + 1;
        var latin1Line = Utf8(Good[..a] + "caf").Concat(new byte[] { 0xE9 }).Concat(Utf8(Good[(a + 1)..])).ToArray(); // "café" in Latin-1
        var decoded = Good + "\n" + Encoding.UTF8.GetString(latin1Line) + "\n";
        DataFormatException? atBuild = null;
        DatasetReader.ReadText(decoded, path, DatasetFormat.Messages, _ => { }, p => { atBuild = p; return false; });
        Assert.NotNull(atBuild);
        Assert.Equal((2, e.Column, e.Problem), (atBuild!.Line, atBuild.Column, atBuild.Problem));

        var escaped = WriteBytes(Utf8(Good.Replace("\"a\"", "\"caf\\ufffd\"") + "\n"));
        Assert.Equal("caf\uFFFD", DatasetReader.ReadFile(escaped, DatasetFormat.Messages)[0].Messages[0].Content);
    }

    [Theory]
    [InlineData("\\ud800", 40)]
    [InlineData("x\\udc00", 41)]
    [InlineData("\\ud83dx", 40)]
    public void A_lone_surrogate_escape_is_an_error_with_file_and_line(string content, int column)
    {
        var path = WriteBytes(Utf8(Good + "\n" + Good.Replace("\"a\"", "\"" + content + "\"") + "\n"));
        var e = Assert.Throws<DataFormatException>(() => DatasetReader.ReadFile(path, DatasetFormat.Messages));
        Assert.Equal(2, e.Line);
        Assert.Contains($"column {column}", e.Message);
        Assert.Contains("surrogate", e.Message);
    }

    [Fact]
    public void A_surrogate_pair_escape_is_text()
    {
        var path = WriteBytes(Utf8(Good.Replace("\"a\"", "\"\\ud83d\\ude00\"") + "\n"));
        Assert.Equal("😀", DatasetReader.ReadFile(path, DatasetFormat.Messages)[0].Messages[0].Content);
    }

    [Fact]
    public void A_binary_file_is_reported_as_binary_not_as_missing()
    {
        var bytes = new byte[4096];
        new Random(1).NextBytes(bytes);
        bytes[100] = 0;
        var path = WriteBytes(bytes);
        var e = Assert.Throws<DataFormatException>(() => DatasetReader.ReadFile(path, DatasetFormat.Messages));
        Assert.Contains("binary", e.Message);
        Assert.DoesNotContain("not found", e.Message);
        Assert.Equal(path, e.File);
    }

    [Fact]
    public void Json_nesting_limit_is_the_build_time_limit()
    {
        string Nested(int depth) => Good.Replace("\"b\"}", "\"b\",\"extra\":" + new string('[', depth) + new string(']', depth) + "}");
        // The build-time reader (generators' JsonReader) allows 256 levels; so does the run.
        Assert.Equal(256, DatasetReader.MaxJsonDepth);
        var ok = WriteBytes(Utf8(Nested(200) + "\n"));
        Assert.Single(DatasetReader.ReadFile(ok, DatasetFormat.Messages));
        var deep = WriteBytes(Utf8(Nested(300) + "\n"));
        var e = Assert.Throws<DataFormatException>(() => DatasetReader.ReadFile(deep, DatasetFormat.Messages));
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void A_chat_template_over_a_limit_fails_as_a_template_error_naming_the_file()
    {
        string config = _temp.Write("tokenizer_config.json", "{\"eos_token\": \"</s>\", \"chat_template\": \"{% for m in messages %}{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{{ m.content }}{% endfor %}\"}");
        var template = ChatTemplates.FromTokenizerConfig(config);
        var e = Assert.Throws<ChatTemplateException>(() => template.Render([new ChatMessage("user", "hi"), new ChatMessage("assistant", "yo")]));
        Assert.Contains(config, e.Message);
        Assert.Contains("MaxRenderSteps", e.Message);
        Assert.Equal(1, CountOf(e.Message, config));
    }

    private static int CountOf(string s, string part)
    {
        int n = 0;
        for (int i = s.IndexOf(part, StringComparison.Ordinal); i >= 0; i = s.IndexOf(part, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
