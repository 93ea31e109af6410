using System.Text.Json;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Data.Tests.Preparation;

/// <summary>
/// data.transform: every conversation read from the data files passes through the transform (null leaves it out)
/// before labelling, and what it returns is checked with the rules untransformed data meets — an example the
/// transform leaves out of order, or with nothing to train, stops the run at its own file:line.
/// </summary>
public class TransformTests
{
    private static string WriteData(TempFolder dir, params (string User, string Assistant)[] turns) =>
        dir.Write("train.jsonl", string.Concat(turns.Select(t => JsonSerializer.Serialize(new
        {
            messages = new[] { new { role = "user", content = t.User }, new { role = "assistant", content = t.Assistant } },
        }) + "\n")));

    private static Conversation? DropAndShout(Conversation c) =>
        c.Messages[0].Content.Contains("skip") ? null
            : c with { Messages = c.Messages.Select(m => m.Role == ChatRoles.Assistant ? m with { Content = m.Content.ToUpperInvariant() } : m).ToList() };

    private static DataPipelineOptions Messages(string path, Func<Conversation, Conversation?> transform) =>
        DataPipelineOptions.ForFiles([path], DatasetFormat.Messages, 256) with { Transform = transform };

    private static LossMasker ByteMasker(bool trainEos = false)
    {
        var template = new ChatMlTemplate();
        return new LossMasker(new ByteTokenizer(template.SpecialTokens), template, new LossMaskOptions(TrainEos: trainEos));
    }

    [Fact]
    public void Read_applies_the_transform_to_each_conversation_and_leaves_out_those_it_drops()
    {
        using var dir = new TempFolder();
        var path = WriteData(dir, ("a", "one"), ("skip me", "two"), ("c", "three"));

        var read = DataPipeline.Read([path], Messages(path, DropAndShout));

        // Expected from the file itself: lines whose user turn lacks "skip", assistant text upper-cased.
        var expected = File.ReadAllLines(path).Select((line, i) => (Line: i + 1, Doc: JsonDocument.Parse(line).RootElement.GetProperty("messages")))
            .Where(x => !x.Doc[0].GetProperty("content").GetString()!.Contains("skip"))
            .Select(x => (x.Line, x.Doc[1].GetProperty("content").GetString()!.ToUpperInvariant())).ToList();
        Assert.Equal(expected, read.Select(c => (c.SourceLine, c.Messages[1].Content)));
        Assert.All(read, c => Assert.Equal(path, c.SourceFile));
    }

    [Fact]
    public void A_transformed_example_with_nothing_to_train_stops_the_run_at_its_data_line()
    {
        using var dir = new TempFolder();
        var path = WriteData(dir, ("a", "one"), ("b", "two"));
        var masker = ByteMasker();
        // Line 2's answer is marked untrained: fine as data, but nothing in it is trained under mask.train_on: assistant.
        Conversation? Transform(Conversation c) => c.SourceLine == 2 ? c with { Messages = [c.Messages[0], c.Messages[1] with { Train = false }] } : c;
        var options = Messages(path, Transform);

        var e = Assert.Throws<DataFormatException>(() => DataPipeline.Label(options, masker));

        Assert.StartsWith($"{path}:2:", e.Message);
        Assert.Contains("no trained token", e.Message);
        Assert.Single(DataPipeline.Label(options with { Transform = null }, masker).Train, x => x.Source.SourceLine == 2); // untransformed, line 2 trains
    }

    [Fact]
    public void A_transformed_example_out_of_turn_order_is_refused_at_its_data_line_as_a_read_line_would_be()
    {
        using var dir = new TempFolder();
        var path = WriteData(dir, ("a", "one"), ("b", "two"));
        // Line 2 loses its answer: the conversation ends with the user, which the reader refuses in a data line too.
        Conversation? Transform(Conversation c) => c.SourceLine == 2 ? c with { Messages = c.Messages.Take(1).ToList() } : c;

        var e = Assert.Throws<DataFormatException>(() => DataPipeline.Read([path], Messages(path, Transform)));

        Assert.StartsWith($"{path}:2:", e.Message);
        Assert.Equal(DataProblemKind.WrongOrder, e.Kind);
        var asRead = Assert.Throws<DataFormatException>(() => DatasetReader.ParseLine("""{"messages": [{"role": "user", "content": "b"}]}""", path, 2, DatasetFormat.Messages));
        Assert.EndsWith(asRead.Problem, e.Problem); // the same rule, said the same way
    }

    [Fact]
    public void A_transform_that_moves_a_conversation_to_another_line_is_kept_at_the_line_it_was_given()
    {
        using var dir = new TempFolder();
        var path = WriteData(dir, ("a", "one"), ("b", "two"));

        var read = DataPipeline.Read([path], Messages(path, c => c with { SourceFile = "elsewhere.jsonl", SourceLine = 99 }));

        Assert.Equal([(path, 1), (path, 2)], read.Select(c => (c.SourceFile, c.SourceLine)));
    }
}
