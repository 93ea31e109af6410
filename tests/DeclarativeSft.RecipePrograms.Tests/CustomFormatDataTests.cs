using System.Text.Json.Nodes;

namespace DeclarativeSft.RecipePrograms.Tests;

/// <summary>
/// Data in a user's own layout (support tickets: a product, a status and a thread of customer/agent posts), read through
/// <c>data.format: custom</c> and a <c>data.transform</c> class of the recipe project, built with <c>dotnet build</c>
/// and run as its user runs it. What the class makes of each ticket is re-derived here from the JSON, so a flow that
/// read the files any other way fails; a ticket the class cannot read stops the run at its line in one line.
/// One build for the whole flow (builds are slow).
/// </summary>
public class CustomFormatDataTests
{
    // Spam tickets are left out; the system prompt names the ticket's product; customer posts are the user's turns.
    private const string ReaderSource = """
        using DeclarativeSft.Data;
        using DeclarativeSft.Runtime.Components;

        namespace Tickets;

        public sealed class TicketReader : IJsonLineTransform
        {
            public Conversation? Transform(JsonLine line)
            {
                var ticket = line.Json;
                if (ticket.GetProperty("status").GetString() == "spam") return null;
                var turns = new List<ChatMessage> { new(ChatRoles.System, $"You answer {ticket.GetProperty("product").GetString()} tickets.") };
                foreach (var post in ticket.GetProperty("thread").EnumerateArray())
                    turns.Add(new(post.GetProperty("by").GetString() == "customer" ? ChatRoles.User : ChatRoles.Assistant, post.GetProperty("text").GetString()!));
                return line.Conversation(turns);
            }
        }
        """;

    private const string Recipe = """
        name: tickets
        model:
          init: { preset: tiny, seed: 1 }
        tokenizer: builtin:bytes
        template:
          format: chatml
        data:
          train: data/tickets.jsonl
          validation: { path: data/held-out.jsonl }
          format: custom
          transform: TicketReader
          max_seq_len: 192
        training:
          epochs: 1
          micro_batch_size: 2
          learning_rate: 3.0e-4
        eval:
          evaluators: [validation_loss, exact_match]
          max_new_tokens: 4
        output:
          dir: out/tickets
          save: [full]
        """;

    private static string Ticket(string id, string product, string status, params string[] thread) =>
        new JsonObject
        {
            ["id"] = id,
            ["product"] = product,
            ["status"] = status,
            ["thread"] = new JsonArray(thread.Select((text, i) => (JsonNode)new JsonObject { ["by"] = i % 2 == 0 ? "customer" : "agent", ["text"] = text }).ToArray()),
        }.ToJsonString();

    [Fact]
    public void Tickets_in_the_users_own_layout_build_inspect_train_and_answer_as_the_recipes_class_reads_them()
    {
        var tickets = Enumerable.Range(1, 8).Select(i => i is 2 or 7
            ? Ticket($"T-{i}", "router", "spam", "cheap pills", "ok")
            : Ticket($"T-{i}", i % 2 == 0 ? "printer" : "router", "open", $"it broke {i}", $"try restarting {i}", $"still broken {i}", $"replace part {i}")).ToList();
        string[] heldOut = [Ticket("H-1", "printer", "open", "no ink", "refill it"), Ticket("H-2", "router", "spam", "win a prize", "no"), Ticket("H-3", "router", "closed", "slow wifi", "move closer")];
        using var project = new RecipeProject("tickets", Recipe, new Dictionary<string, string>
        {
            ["TicketReader.cs"] = ReaderSource,
            ["data/tickets.jsonl"] = string.Join("\n", tickets) + "\n",
            ["data/held-out.jsonl"] = string.Join("\n", heldOut) + "\n",
        });
        var ticketsFile = project["data/tickets.jsonl"];
        var train = Expected(ticketsFile);
        var valid = Expected(project["data/held-out.jsonl"]);
        Assert.Equal((6, 2), (train.Count, valid.Count)); // the data above: two spam tickets of eight, one of three
        var output = project.Scratch("out");

        var build = project.Build();
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.DoesNotMatch(@"\b(warning|error) (SFT|CS)\d{4}", build.Output);

        // inspect: exactly the kept tickets, at their lines, each with the product's system prompt and every agent post trained.
        var inspect = project.Run("inspect", "--count", "20");
        Assert.True(inspect.ExitCode == 0, inspect.Output);
        var shown = RecipeProject.InspectedExamples(inspect.Output);
        Assert.Equal(train.Select(t => (ticketsFile, t.Line)), shown);
        var trainedRuns = RecipeProject.TrainedText(inspect.Output);
        Assert.All(train, t => Assert.All(t.Answers, a => Assert.Contains(a, trainedRuns)));
        Assert.All(train, t => Assert.Contains(t.System, inspect.Output));
        Assert.DoesNotContain("cheap pills", inspect.Output);

        // train: held-out prompts are the kept validation tickets, under the tickets' own ids, their references the
        // last agent post the class made the final assistant turn.
        var trained = project.Run("--max-steps", "2", "--output", output);
        Assert.True(trained.ExitCode == 0, trained.Output);
        Assert.Contains($"{train.Count} training examples per epoch", trained.Output);
        Assert.Contains($"{valid.Count} validation examples", trained.Output);
        var answered = File.ReadLines(Path.Combine(output, "heldout-before.jsonl")).Select(l => JsonNode.Parse(l)!)
            .Select(n => ((string)n["id"]!, (string)n["reference"]!)).ToList();
        Assert.Equal(valid.Select(v => (v.Id, v.Answers[^1])), answered);

        // A ticket the class cannot read (no thread) stops the next run at its line, in one line naming the class and
        // the place in it that threw; nothing of a stack trace.
        var lines = File.ReadAllLines(ticketsFile);
        lines[3] = """{"id": "T-4", "product": "printer", "status": "open"}""";
        File.WriteAllLines(ticketsFile, lines);
        var broken = project.Run("inspect");
        Assert.True(broken.ExitCode == 1, broken.Output);
        var error = Assert.Single(broken.StderrLines);
        Assert.Contains($"{ticketsFile}:4: data.transform Tickets.TicketReader failed on this line: KeyNotFoundException: ", error);
        int throwingLine = ReaderSource.Split('\n').ToList().FindIndex(l => l.Contains("GetProperty(\"thread\")")) + 1;
        Assert.Contains($"(at TicketReader.Transform in TicketReader.cs:line {throwingLine})", error);
        Assert.DoesNotContain("   at ", broken.Output);
    }

    /// <summary>The tickets of <paramref name="file"/> the class keeps: line, id, system prompt and agent posts, read from the JSON.</summary>
    private static List<(int Line, string Id, string System, string[] Answers)> Expected(string file) =>
        File.ReadLines(file).Select((text, i) => (Line: i + 1, Ticket: JsonNode.Parse(text)!))
            .Where(x => (string)x.Ticket["status"]! != "spam")
            .Select(x => (x.Line, (string)x.Ticket["id"]!, $"You answer {(string)x.Ticket["product"]!} tickets.",
                x.Ticket["thread"]!.AsArray().Where(p => (string)p!["by"]! == "agent").Select(p => (string)p!["text"]!).ToArray())).ToList();
}
