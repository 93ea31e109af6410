using System.Text.Json;
using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Hosting;
using DeclarativeSft.Runtime.Session;

namespace DeclarativeSft.Runtime.Tests.Components;

/// <summary>
/// data.transform at run time, through the recipe's data options as every command gets them: a JSON-line transform
/// (data.format: custom) receives each line as a System.Text.Json value; whatever the recipe's code throws on a line
/// stops the run at that line naming the class, the exception and where in the class it was thrown; a transform of the
/// kind the format does not take is refused before any data is read.
/// </summary>
public class DataTransformTests
{
    /// <summary>{"q", "a"} → user/assistant; {"spam": true} is left out; a line without "q" throws (GetProperty).</summary>
    private sealed class TicketReader : IJsonLineTransform
    {
        public List<string> Seen { get; } = [];

        public Conversation? Transform(JsonLine line)
        {
            Seen.Add(line.Json.GetRawText());
            if (line.Json.TryGetProperty("spam", out _)) return null;
            if (line.Json.TryGetProperty("reject", out var why)) throw line.Error($"ticket rejected: {why.GetString()}");
            return line.Conversation(new ChatMessage(ChatRoles.User, line.Json.GetProperty("q").GetString()!),
                new ChatMessage(ChatRoles.Assistant, line.Json.GetProperty("a").GetString()!));
        }
    }

    private sealed class Identity : IExampleTransform
    {
        public Conversation? Transform(Conversation conversation) =>
            conversation.Messages[0].Content == "boom" ? throw new InvalidOperationException("no boom allowed") : conversation;
    }

    private static (RecipeSpec Spec, string Data) Recipe(TempFolder temp, string format, string transform, string data)
    {
        var path = temp.Write("data/train.jsonl", data);
        var text = $"name: t\nmodel:\n  init: {{ preset: tiny, seed: 1 }}\ntokenizer: builtin:bytes\ndata:\n  train: {path}\n  format: {format}\n  transform: {transform}\n";
        var parsed = RecipeParser.Parse(temp.Write("recipe.sft.yaml", text), text);
        Assert.True(parsed.Spec is not null, string.Join("\n", parsed.Diagnostics));
        return (parsed.Spec!, path);
    }

    [Fact]
    public void A_json_line_transform_gets_each_line_as_its_json_value_and_its_conversations_are_what_training_reads()
    {
        using var temp = new TempFolder();
        string[] lines = ["""{"q": "printer?", "a": "Restart it.", "id": [1, {"x": null}]}""", """{"spam": true}""", """{"a": "Reset link.", "q": "password?"}"""];
        var (spec, path) = Recipe(temp, "custom", "Tickets.TicketReader", string.Join("\n", lines) + "\n");
        var reader = new TicketReader();

        var options = RecipeTextPipeline.DataOptions(spec, 1, DataTransform.OfJsonLines(reader));
        var read = DataPipeline.Read(options.TrainFiles, options);

        // Each line reached the class as the value System.Text.Json reads from the file's own text.
        Assert.Equal(lines.Select(l => JsonDocument.Parse(l).RootElement.GetRawText()), reader.Seen);
        Assert.Equal([(1, "printer?", "Restart it."), (3, "password?", "Reset link.")], read.Select(c => (c.SourceLine, c.Messages[0].Content, c.Messages[1].Content)));
        Assert.All(read, c => Assert.Equal(path, c.SourceFile));
    }

    [Fact]
    public void An_exception_in_the_recipe_s_code_stops_at_the_data_line_naming_the_class_the_exception_and_where_it_was_thrown()
    {
        using var temp = new TempFolder();
        var (spec, path) = Recipe(temp, "custom", "Tickets.TicketReader", "{\"q\": \"a\", \"a\": \"b\"}\n{\"question\": \"no q here\"}\n");
        var options = RecipeTextPipeline.DataOptions(spec, 1, DataTransform.OfJsonLines(new TicketReader()));

        var e = Assert.Throws<DataFormatException>(() => DataPipeline.Read(options.TrainFiles, options));

        Assert.StartsWith($"{path}:2: data.transform {typeof(TicketReader).FullName} failed on this line: KeyNotFoundException: ", e.Message);
        Assert.Contains($"(at {nameof(TicketReader)}.{nameof(TicketReader.Transform)} in {nameof(DataTransformTests)}.cs:line ", e.Message);
        Assert.Equal(DataProblemKind.TransformFailed, e.Kind);
        Assert.IsAssignableFrom<UserErrorException>(e); // printed as one line, not a stack trace
    }

    [Fact]
    public void A_line_the_recipe_s_code_rejects_with_JsonLine_Error_stops_with_its_own_words_at_that_line()
    {
        using var temp = new TempFolder();
        var (spec, path) = Recipe(temp, "custom", "Tickets.TicketReader", "{\"q\": \"a\", \"a\": \"b\"}\n\n{\"reject\": \"no answer given\"}\n");
        var options = RecipeTextPipeline.DataOptions(spec, 1, DataTransform.OfJsonLines(new TicketReader()));

        var e = Assert.Throws<DataFormatException>(() => DataPipeline.Read(options.TrainFiles, options));

        Assert.Equal($"{path}:3: ticket rejected: no answer given", e.Message);
    }

    [Fact]
    public void A_conversation_transform_that_throws_is_reported_at_the_line_it_was_given()
    {
        using var temp = new TempFolder();
        var (spec, path) = Recipe(temp, "messages", "Tickets.Identity",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"ok\"}, {\"role\": \"assistant\", \"content\": \"a\"}]}\n" +
            "{\"messages\": [{\"role\": \"user\", \"content\": \"boom\"}, {\"role\": \"assistant\", \"content\": \"a\"}]}\n");
        var options = RecipeTextPipeline.DataOptions(spec, 1, DataTransform.OfConversations(new Identity()));

        var e = Assert.Throws<DataFormatException>(() => DataPipeline.Read(options.TrainFiles, options));

        Assert.StartsWith($"{path}:2: data.transform {typeof(Identity).FullName} failed on this line: InvalidOperationException: no boom allowed (at {nameof(Identity)}.", e.Message);
    }

    [Theory]
    [InlineData("custom", false, "data.format is custom, so data.transform must read JSON lines (IJsonLineTransform)")]
    [InlineData("messages", true, "reads JSON lines (IJsonLineTransform), which only data.format: custom hands it")]
    public void A_transform_of_the_other_kind_than_the_data_format_needs_is_refused_before_any_data_is_read(string format, bool jsonLines, string message)
    {
        using var temp = new TempFolder();
        var (spec, _) = Recipe(temp, format, "Tickets.Either", "not even json\n");
        var transform = jsonLines ? DataTransform.OfJsonLines(new TicketReader()) : DataTransform.OfConversations(new Identity());

        var e = Assert.Throws<RecipeRunException>(() => RecipeTextPipeline.DataOptions(spec, 1, transform));

        Assert.Contains(message, e.Message);
        Assert.Contains(transform.ClassName, e.Message);
    }

    [Fact]
    public void The_deepest_line_the_build_accepts_reaches_the_class_and_one_level_deeper_is_refused_as_the_build_refuses_it()
    {
        static string Nested(int depth) => "{\"q\": \"a\", \"a\": \"b\", \"n\": " + new string('[', depth - 1) + new string(']', depth - 1) + "}";
        static bool BuildAccepts(string line)
        {
            try { DatasetReader.JsonLine(line, 0, line.Length, "d.jsonl", 1); return true; }
            catch (DataFormatException) { return false; }
        }
        int deepest = Enumerable.Range(1, 4 * DatasetReader.MaxJsonDepth).Last(d => BuildAccepts(Nested(d)));
        Assert.False(BuildAccepts(Nested(deepest + 1)));
        using var temp = new TempFolder();
        var (spec, path) = Recipe(temp, "custom", "Tickets.TicketReader", Nested(deepest) + "\n");
        var options = RecipeTextPipeline.DataOptions(spec, 1, DataTransform.OfJsonLines(new TicketReader()));

        Assert.Single(DataPipeline.Read(options.TrainFiles, options));
        File.WriteAllText(path, Nested(deepest + 1) + "\n");
        Assert.Equal(DataProblemKind.NotJson, Assert.Throws<DataFormatException>(() => DataPipeline.Read(options.TrainFiles, options)).Kind);
    }
}
