using System.Text.Json;
using System.Text.Json.Nodes;
using DeclarativeSft.Data;

namespace DeclarativeSft.Runtime.Evaluation;

/// <summary>One scored held-out item: the request (messages before the final assistant turn) and the reference answer.</summary>
/// <param name="Id">The item's <c>id</c> (its line number when the file has none).</param>
/// <param name="Prompt">System (if any) and user turns, without the final assistant turn.</param>
/// <param name="Reference">The <c>reference</c> field, else the final assistant turn's content.</param>
/// <param name="HasTests">Whether the line carries unit <c>tests</c> that an external checker can run.</param>
public sealed record HeldOutTask(string Id, IReadOnlyList<ChatMessage> Prompt, string Reference, bool HasTests);

/// <summary>
/// Reads scored held-out tasks from a messages-format validation file whose lines also carry <c>reference</c> and/or
/// <c>tests</c> (as the code-assistant recipe's heldout.jsonl does). A file without those fields has no tasks: the
/// recipe is then evaluated by validation loss alone.
/// </summary>
public static class HeldOutTaskFile
{
    /// <summary>The tasks of <paramref name="path"/>, or an empty list when its lines carry neither reference nor tests.</summary>
    public static IReadOnlyList<HeldOutTask> Read(string path)
    {
        var tasks = new List<HeldOutTask>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonObject? o;
            try { o = JsonNode.Parse(line) as JsonObject; }
            catch (JsonException e) { throw new DataFormatException(path, lineNumber, $"not valid JSON ({e.Message})"); }
            if (o is null || (o["reference"] is null && o["tests"] is null)) return [];
            if (o["messages"] is not JsonArray messages) return [];
            var turns = messages.OfType<JsonObject>()
                .Select(m => new ChatMessage((string?)m["role"] ?? "", (string?)m["content"] ?? "")).ToList();
            int last = turns.FindLastIndex(m => m.Role == ChatRoles.Assistant);
            var prompt = last >= 0 ? turns.Take(last).ToList() : turns;
            if (prompt.Count == 0) throw new DataFormatException(path, lineNumber, "a held-out item needs at least one user turn before the answer");
            string reference = (string?)o["reference"] ?? (last >= 0 ? turns[last].Content : "");
            tasks.Add(new HeldOutTask((string?)o["id"] ?? $"line-{lineNumber}", prompt, reference, o["tests"] is JsonArray));
        }
        return tasks;
    }
}
