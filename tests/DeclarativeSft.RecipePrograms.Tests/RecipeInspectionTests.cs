using System.Text;
using System.Text.Json.Nodes;
using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Session;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>
/// The label view of each shipped recipe (what <c>inspect</c> prints) checked against the data file itself: for the
/// examples shown, the trained text must hold the answer of that JSONL line and none of its request.
/// </summary>
public class RecipeInspectionTests
{
    [Theory]
    [InlineData("code-assistant")]
    [InlineData("chat-lora")]
    [InlineData("alpaca-instruct")]
    [InlineData("custom-tokens")]
    [InlineData("forgetting-safe")]
    public void Inspect_marks_the_answer_of_each_shown_line_as_trained_and_its_request_as_masked(string name)
    {
        var spec = ShippedRecipes.Load(ShippedRecipes.RecipePath(name));

        var inspection = RecipeTextPipeline.Inspect(spec, 3, transform: null);

        Assert.Equal(3, inspection.Shown.Count);
        foreach (var example in inspection.Shown)
        {
            var (answer, request) = AnswerAndRequest(spec.Data.Format, example.Source.SourceFile, example.Source.SourceLine);
            var trained = new StringBuilder();
            var masked = new StringBuilder();
            for (int t = 0; t < example.Length; t++)
                (LabelInspection.IsTrained(example, t) ? trained : masked).Append(inspection.TokenText(example, t));
            Assert.Contains(answer.Trim(), trained.ToString());
            Assert.Contains(request.Trim(), masked.ToString());
            Assert.DoesNotContain(request.Trim(), trained.ToString());
            Assert.True(example.EndOfTurnTrained, $"{example.Source.Location}: the closing end-of-turn token is not trained (recipes set train_eos: true)");
        }

        // The plain view marks trained runs with [[…]]; the first shown answer appears inside one.
        var plain = new StringWriter();
        LabelViewWriter.WritePlain(inspection, plain);
        var firstAnswer = AnswerAndRequest(spec.Data.Format, inspection.Shown[0].Source.SourceFile, inspection.Shown[0].Source.SourceLine).Answer.Trim();
        var firstLine = firstAnswer.Split('\n')[0];
        Assert.Contains("[[", plain.ToString());
        Assert.Contains(firstLine, plain.ToString().Split("[[").Skip(1).Select(s => s.Split("]]")[0]).Aggregate("", (a, b) => a + b));
    }

    /// <summary>The final answer and the last request of a data line, read straight from the JSON.</summary>
    private static (string Answer, string Request) AnswerAndRequest(DatasetFormat format, string file, int line)
    {
        var o = JsonNode.Parse(File.ReadLines(file).Skip(line - 1).First())!.AsObject();
        switch (format)
        {
            case DatasetFormat.Messages:
                var messages = o["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();
                var answer = messages.Last(m => (string?)m["role"] == "assistant");
                var request = messages.Take(messages.IndexOf(answer)).Last(m => (string?)m["role"] == "user");
                return ((string)answer["content"]!, (string)request["content"]!);
            case DatasetFormat.Alpaca:
                return ((string)o["output"]!, (string)o["instruction"]!);
            case DatasetFormat.UserAssistant:
                return ((string)o["Assistant"]!, (string)o["User"]!);
            default:
                throw new NotSupportedException(format.ToString());
        }
    }
}
