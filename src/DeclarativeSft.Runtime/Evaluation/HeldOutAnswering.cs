using System.Text.Json;
using System.Text.Json.Nodes;
using DeclarativeSft.Data;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Model;

namespace DeclarativeSft.Runtime.Evaluation;

/// <summary>A held-out line to answer: its prompt and what an evaluator may compare the answer with.</summary>
public sealed record HeldOutPrompt(string Id, int Line, IReadOnlyList<ChatMessage> Prompt, string Reference, JsonObject Item);

/// <summary>
/// Asks the model every prompt of a messages-format validation file (the turns before the final assistant turn,
/// greedy, batched with a KV cache) for evaluators that score answers. Lines are read by the same reader as training
/// data; the JSON object of each line is kept for the recipe's own fields.
/// </summary>
public static class HeldOutAnswering
{
    /// <summary>The note of an answer-based evaluator in a recipe without a file to answer.</summary>
    public static string NeedsValidationFile(string evaluator) =>
        $"{evaluator} scores the model's answers: set data.validation {{ path: … }} to a messages-format file";

    /// <summary>The prompts of <paramref name="path"/>: every line with at least one turn before its final assistant turn.</summary>
    /// <param name="limit">Only the first N (quick runs); null = all.</param>
    /// <param name="transform">The recipe's data.transform (<c>DataPipelineOptions.Transform</c>): each line's
    /// conversation is the transformed one, and a line it drops is not asked.</param>
    public static IReadOnlyList<HeldOutPrompt> Read(string path, int? limit = null, Func<Conversation, Conversation?>? transform = null)
    {
        var prompts = new List<HeldOutPrompt>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (limit is int n && prompts.Count >= n) break;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var read = DatasetReader.ParseLine(line, path, lineNumber, DatasetFormat.Messages);
            // Prompt and reference come from the conversation training would see; the line's JSON stays for its own fields.
            if (DataPipeline.Transformed(read, transform) is not { } conversation) continue;
            var turns = conversation.Messages;
            int last = -1;
            for (int i = turns.Count - 1; i >= 0; i--) if (turns[i].Role == ChatRoles.Assistant) { last = i; break; }
            var prompt = last >= 0 ? turns.Take(last).ToList() : turns.ToList();
            if (prompt.Count == 0) continue;
            var item = (JsonObject)JsonNode.Parse(line)!;
            string id = item["id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : $"line-{lineNumber}";
            prompts.Add(new HeldOutPrompt(id, lineNumber, prompt, last >= 0 ? turns[last].Content : "", item));
        }
        return prompts;
    }

    /// <summary>Answers every prompt; writes id, completion and reference as JSON lines to <paramref name="writeTo"/> when given.</summary>
    public static HeldOutAnswers Answer(LlamaForCausalLM model, string path, IReadOnlyList<HeldOutPrompt> prompts,
        Func<IReadOnlyList<ChatMessage>, int[]> encode, Func<IReadOnlyList<int>, string> decode, IReadOnlySet<int> stopIds,
        int maxNewTokens, string? writeTo)
    {
        var generated = BatchedGreedyDecoder.Generate(model, prompts.Select(p => encode(p.Prompt)).ToList(), maxNewTokens, stopIds);
        var answers = prompts.Select((p, i) => new HeldOutAnswer(p.Id, p.Line, p.Prompt, p.Reference, decode(generated[i]), p.Item)).ToList();
        if (writeTo is not null)
            AtomicFile.WriteAllText(writeTo, string.Concat(answers.Select(a =>
                JsonSerializer.Serialize(new { id = a.Id, completion = a.Completion, reference = a.Reference }) + "\n")));
        return new HeldOutAnswers(path, answers, prompts.Count == 0 ? $"{path} has no line with a prompt before its final assistant turn" : null);
    }
}
