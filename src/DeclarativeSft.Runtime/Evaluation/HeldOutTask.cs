using DeclarativeSft.Data;
using DeclarativeSft.Data.Json;

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
/// recipe is then evaluated by validation loss alone. The conversation is read by <see cref="DatasetReader"/>, the
/// reader of every data line, so a held-out line is valid exactly when it is valid as validation data.
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
            var conversation = DatasetReader.ParseLine(line, path, lineNumber, DatasetFormat.Messages);
            var fields = JsonReader.Parse(line, out _)!; // parsed just above, so it is an object
            if (fields["reference"] is null && fields["tests"] is null) return [];
            var turns = conversation.Messages;
            int last = turns.Count - 1; // the reader guarantees a final assistant turn
            var prompt = turns.Take(last).ToList();
            string reference = fields["reference"]?.AsString ?? turns[last].Content;
            tasks.Add(new HeldOutTask(fields["id"]?.AsString ?? $"line-{lineNumber}", prompt, reference, fields["tests"]?.Kind == JsonKind.Array));
        }
        return tasks;
    }
}
