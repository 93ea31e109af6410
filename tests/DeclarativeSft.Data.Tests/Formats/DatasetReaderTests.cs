namespace DeclarativeSft.Data.Tests.Formats;

public class DatasetReaderTests
{
    private static List<Conversation> Read(string jsonl, DatasetFormat format) =>
        DatasetReader.Read(new StringReader(jsonl), "data/train.jsonl", format);

    private static DataFormatException Fails(string jsonl, DatasetFormat format) =>
        Assert.Throws<DataFormatException>(() => Read(jsonl, format));

    [Fact]
    public void Messages_are_read_with_train_flags_and_one_based_lines()
    {
        var examples = Read(
            "{\"messages\":[{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"U\"},{\"role\":\"assistant\",\"content\":\"A\",\"train\":false},{\"role\":\"user\",\"content\":\"U2\"},{\"role\":\"assistant\",\"content\":\"A2\"}]}\n" +
            "\n" +
            "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"y\"}]}\n",
            DatasetFormat.Messages);
        Assert.Equal(2, examples.Count);
        Assert.Equal(1, examples[0].SourceLine);
        Assert.Equal(3, examples[1].SourceLine);
        Assert.Equal("data/train.jsonl", examples[1].SourceFile);
        Assert.Equal(["system", "user", "assistant", "user", "assistant"], examples[0].Messages.Select(m => m.Role));
        Assert.False(examples[0].Messages[2].Train);
        Assert.Null(examples[0].Messages[4].Train);
        Assert.Equal("A2", examples[0].Messages[4].Content);
    }

    [Fact]
    public void ShareGpt_maps_human_and_gpt_to_user_and_assistant()
    {
        var c = Read("{\"conversations\":[{\"from\":\"system\",\"value\":\"S\"},{\"from\":\"human\",\"value\":\"Q\"},{\"from\":\"gpt\",\"value\":\"R\"}]}", DatasetFormat.ShareGpt)[0];
        Assert.Equal([("system", "S"), ("user", "Q"), ("assistant", "R")], c.Messages.Select(m => (m.Role, m.Content)));
    }

    [Fact]
    public void Alpaca_joins_instruction_and_input_into_the_user_turn()
    {
        var examples = Read(
            "{\"instruction\":\"Sum\",\"input\":\"1 2\",\"output\":\"3\"}\n{\"instruction\":\"Hi\",\"input\":\"\",\"output\":\"Hello\"}",
            DatasetFormat.Alpaca);
        Assert.Equal([("user", "Sum\n\n### Input:\n1 2"), ("assistant", "3")], examples[0].Messages.Select(m => (m.Role, m.Content)));
        Assert.Equal([("user", "Hi"), ("assistant", "Hello")], examples[1].Messages.Select(m => (m.Role, m.Content)));
    }

    [Fact]
    public void Prompt_completion_becomes_user_then_assistant()
    {
        var c = Read("{\"prompt\":\"2+2=\",\"completion\":\"4\"}", DatasetFormat.PromptCompletion)[0];
        Assert.Equal([("user", "2+2="), ("assistant", "4")], c.Messages.Select(m => (m.Role, m.Content)));
    }

    [Fact]
    public void User_assistant_uses_Template_as_system_text_when_present()
    {
        var examples = Read(
            "{\"User\":\"Q\",\"Assistant\":\"A\",\"Template\":\"Be brief.\"}\n{\"User\":\"Q\",\"Assistant\":\"A\"}",
            DatasetFormat.UserAssistant);
        Assert.Equal([("system", "Be brief."), ("user", "Q"), ("assistant", "A")], examples[0].Messages.Select(m => (m.Role, m.Content)));
        Assert.Equal(["user", "assistant"], examples[1].Messages.Select(m => m.Role));
    }

    [Fact]
    public void A_line_that_is_not_json_names_file_and_line()
    {
        var e = Fails("{\"prompt\":\"a\",\"completion\":\"b\"}\n{\"prompt\": oops}", DatasetFormat.PromptCompletion);
        Assert.StartsWith("data/train.jsonl:2: not valid JSON", e.Message);
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void A_missing_field_is_named_with_the_expected_layout()
    {
        var e = Fails("{\"instruction\":\"a\"}", DatasetFormat.Alpaca);
        Assert.Contains("data/train.jsonl:1: missing field 'output'", e.Message);
        Assert.Contains("alpaca expects", e.Message);
    }

    [Fact]
    public void A_wrongly_typed_field_is_reported()
    {
        var e = Fails("{\"messages\":[{\"role\":\"user\",\"content\":5}]}", DatasetFormat.Messages);
        Assert.Contains("'messages[0].content' must be a string, found a number", e.Message);
    }

    [Theory]
    [InlineData("{\"messages\":[{\"role\":\"bot\",\"content\":\"x\"}]}", DatasetFormat.Messages, "messages[0].role is 'bot'")]
    [InlineData("{\"conversations\":[{\"from\":\"user\",\"value\":\"x\"}]}", DatasetFormat.ShareGpt, "conversations[0].from is 'user'")]
    public void An_unknown_role_is_reported(string line, DatasetFormat format, string expected)
    {
        var e = Fails(line, format);
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("data/train.jsonl:1:", e.Message);
    }

    [Theory]
    [InlineData("[{\"role\":\"assistant\",\"content\":\"a\"}]", "message 1 is assistant but user was expected")]
    [InlineData("[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"b\"}]", "message 2 is user but assistant was expected")]
    [InlineData("[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"},{\"role\":\"system\",\"content\":\"c\"}]", "only the first message may be system")]
    [InlineData("[{\"role\":\"user\",\"content\":\"a\"}]", "ends with a user message")]
    [InlineData("[]", "no messages")]
    public void Wrong_order_is_reported(string messages, string expected)
    {
        var e = Fails("{\"messages\":" + messages + "}", DatasetFormat.Messages);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_missing_file_says_which_path()
    {
        var e = Assert.Throws<UserErrorException>(() => DatasetReader.ReadFile("/nonexistent/x.jsonl", DatasetFormat.Messages));
        Assert.Contains("/nonexistent/x.jsonl", e.Message);
    }

    [Fact]
    public void Default_system_is_added_only_when_absent()
    {
        var c = Read("{\"User\":\"Q\",\"Assistant\":\"A\"}", DatasetFormat.UserAssistant)[0];
        Assert.Equal("D", c.WithDefaultSystem("D").Messages[0].Content);
        var withSystem = Read("{\"User\":\"Q\",\"Assistant\":\"A\",\"Template\":\"T\"}", DatasetFormat.UserAssistant)[0];
        Assert.Equal("T", withSystem.WithDefaultSystem("D").Messages[0].Content);
    }
}
