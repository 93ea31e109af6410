using System.Text.Json;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Data.Tests.Preparation;

/// <summary>
/// data.transform: every conversation read from the data files passes through the transform (null leaves it out)
/// before labelling, and what it returns is checked with the rules untransformed data meets — an example the
/// transform leaves with nothing to train stops the run at its own file:line.
/// </summary>
public class TransformTests
{
    private static string WriteData(string dir, params (string User, string Assistant)[] turns)
    {
        var path = Path.Combine(dir, "train.jsonl");
        File.WriteAllLines(path, turns.Select(t => JsonSerializer.Serialize(new
        {
            messages = new[] { new { role = "user", content = t.User }, new { role = "assistant", content = t.Assistant } },
        })));
        return path;
    }

    private static Conversation? DropAndShout(Conversation c) =>
        c.Messages[0].Content.Contains("skip") ? null
            : c with { Messages = c.Messages.Select(m => m.Role == ChatRoles.Assistant ? m with { Content = m.Content.ToUpperInvariant() } : m).ToList() };

    [Fact]
    public void Read_applies_the_transform_to_each_conversation_and_leaves_out_those_it_drops()
    {
        var dir = Directory.CreateTempSubdirectory("sft-transform-").FullName;
        try
        {
            var path = WriteData(dir, ("a", "one"), ("skip me", "two"), ("c", "three"));

            var read = DataPipeline.Read([path], DatasetFormat.Messages, defaultSystem: null, DropAndShout);

            // Expected from the file itself: lines whose user turn lacks "skip", assistant text upper-cased.
            var expected = File.ReadAllLines(path).Select((line, i) => (Line: i + 1, Doc: JsonDocument.Parse(line).RootElement.GetProperty("messages")))
                .Where(x => !x.Doc[0].GetProperty("content").GetString()!.Contains("skip"))
                .Select(x => (x.Line, x.Doc[1].GetProperty("content").GetString()!.ToUpperInvariant())).ToList();
            Assert.Equal(expected, read.Select(c => (c.SourceLine, c.Messages[1].Content)));
            Assert.All(read, c => Assert.Equal(path, c.SourceFile));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_transformed_example_with_nothing_to_train_stops_the_run_at_its_data_line()
    {
        var dir = Directory.CreateTempSubdirectory("sft-transform-").FullName;
        try
        {
            var path = WriteData(dir, ("a", "one"), ("b", "two"));
            var template = new ChatMlTemplate();
            var masker = new LossMasker(new ByteTokenizer(template.SpecialTokens), template, new LossMaskOptions(TrainEos: false));
            // Line 2 keeps only its user turn: fine as data, but nothing in it is trained under mask.train_on: assistant.
            Conversation? Transform(Conversation c) => c.SourceLine == 2 ? c with { Messages = c.Messages.Take(1).ToList() } : c;
            var options = DataPipelineOptions.ForFiles([path], DatasetFormat.Messages, 256) with { Transform = Transform };

            var e = Assert.Throws<DataFormatException>(() => DataPipeline.Label(options, masker));

            Assert.StartsWith($"{path}:2:", e.Message);
            Assert.Contains("no trained token", e.Message);
            Assert.Single(DataPipeline.Label(options with { Transform = null }, masker).Train, x => x.Source.SourceLine == 2); // untransformed, line 2 trains
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
