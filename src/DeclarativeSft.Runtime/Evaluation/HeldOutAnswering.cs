using System.Text.Json;
using System.Text.Json.Nodes;
using DeclarativeSft.Data;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Model;

namespace DeclarativeSft.Runtime.Evaluation;

/// <summary>A held-out line to answer: its prompt and what an evaluator may compare the answer with.</summary>
public sealed record HeldOutPrompt(string Id, int Line, IReadOnlyList<ChatMessage> Prompt, string Reference, JsonObject Item);

/// <summary>
/// Asks the model every prompt of the validation file (the turns before the final assistant turn, greedy, batched with
/// a KV cache) for evaluators that score answers. Lines are read as training reads them (data.format, data.transform);
/// the JSON object of each line is kept for the recipe's own fields.
/// </summary>
public static class HeldOutAnswering
{
    /// <summary>The note of an answer-based evaluator in a recipe without a file to answer.</summary>
    public static string NeedsValidationFile(string evaluator) =>
        $"{evaluator} scores the model's answers: set data.validation {{ path: … }} to a file of held-out conversations";

    /// <summary>The prompts of <paramref name="path"/>: every line with at least one turn before its final assistant turn.</summary>
    /// <param name="data">How the recipe reads its data (<c>RecipeTextPipeline.DataOptions</c>): each line's conversation
    /// is the one training reads (its data.format, its data.transform), and a line the transform drops is not asked.</param>
    /// <param name="limit">Only the first N (quick runs); null = all.</param>
    public static IReadOnlyList<HeldOutPrompt> Read(string path, DataPipelineOptions data, int? limit = null)
    {
        var prompts = new List<HeldOutPrompt>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (limit is int n && prompts.Count >= n) break;
            // Prompt and reference come from the conversation training would see; the line's JSON stays for its own fields.
            if (DataPipeline.ReadLine(line, path, lineNumber, data) is not { } conversation) continue;
            var turns = conversation.Messages;
            int last = -1;
            for (int i = turns.Count - 1; i >= 0; i--) if (turns[i].Role == ChatRoles.Assistant) { last = i; break; }
            var prompt = last >= 0 ? turns.Take(last).ToList() : turns.ToList();
            if (prompt.Count == 0) continue;
            // A data.format: custom line may be any JSON value; only an object has fields to keep.
            var item = JsonNode.Parse(line) as JsonObject ?? new JsonObject();
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
