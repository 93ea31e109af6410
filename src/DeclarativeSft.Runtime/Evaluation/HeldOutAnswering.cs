using System.Text.Json;
using System.Text.Json.Nodes;
using DeclarativeSft.Data;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Model;

namespace DeclarativeSft.Runtime.Evaluation;

/// <summary>A held-out line to answer: its prompt and what an evaluator may compare the answer with.</summary>
public sealed record HeldOutPrompt(string Id, string File, int Line, IReadOnlyList<ChatMessage> Prompt, string Reference, JsonObject Item);

/// <summary>
/// Asks the model every prompt of the validation data (the turns before each example's final assistant turn, greedy,
/// batched with a KV cache) for evaluators that score answers. The examples are the ones validation loss is measured
/// on — the file of <c>data.validation.path</c> or the <c>data.validation.split</c> share of <c>data.train</c> — read
/// as training reads them (data.format, data.transform, the default system prompt); the JSON of each one's line is kept
/// for the recipe's own fields.
/// </summary>
public static class HeldOutAnswering
{
    /// <summary>The note of an answer-based evaluator in a recipe without validation data.</summary>
    public static string NeedsValidationData(string evaluator) =>
        $"{evaluator} scores the model's answers to held-out prompts: set data.validation {{ split: 0.1 }} or {{ path: <file of held-out conversations> }}";

    /// <summary>The prompts of the validation data: every example with at least one turn before its final assistant turn.</summary>
    /// <param name="data">How the recipe reads its data (<c>RecipeTextPipeline.DataOptions</c>): the held-out examples
    /// are <see cref="DataPipeline.ReadValidation"/>'s, so a line the transform drops is not asked.</param>
    /// <param name="limit">Only the first N (quick runs); null = all.</param>
    public static IReadOnlyList<HeldOutPrompt> Read(DataPipelineOptions data, int? limit = null)
    {
        var held = DataPipeline.ReadValidation(data);
        var files = held.Select(c => c.SourceFile).Distinct().ToList();
        var lines = files.ToDictionary(f => f, f => LinesOf(f, held.Where(c => c.SourceFile == f).Select(c => c.SourceLine).ToHashSet()));
        // "line-N" names a line while one file is answered; with several (a split of several sources) the file says which.
        var sameName = files.GroupBy(Path.GetFileName).Where(g => g.Count() > 1).SelectMany(g => g).ToHashSet();
        string LineId(string file, int line) => files.Count == 1 ? $"line-{line}"
            : $"{(sameName.Contains(file) ? file : Path.GetFileName(file))}:line-{line}";

        var prompts = new List<HeldOutPrompt>();
        foreach (var conversation in held)
        {
            if (limit is int n && prompts.Count >= n) break;
            var turns = conversation.Messages;
            int last = -1;
            for (int i = turns.Count - 1; i >= 0; i--) if (turns[i].Role == ChatRoles.Assistant) { last = i; break; }
            var prompt = last >= 0 ? turns.Take(last).ToList() : turns.ToList();
            if (prompt.Count == 0) continue;
            var (file, lineNumber) = (conversation.SourceFile, conversation.SourceLine);
            // A data.format: custom line may be any JSON value; only an object has fields to keep.
            var item = JsonNode.Parse(lines[file][lineNumber]) as JsonObject ?? new JsonObject();
            string id = item["id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : LineId(file, lineNumber);
            prompts.Add(new HeldOutPrompt(id, file, lineNumber, prompt, last >= 0 ? turns[last].Content : "", item));
        }
        return prompts;
    }

    /// <summary>The text of the lines <paramref name="wanted"/> (1-based, numbered as the data reader numbers them:
    /// one line per '\n', a trailing '\r' removed).</summary>
    private static Dictionary<int, string> LinesOf(string file, IReadOnlySet<int> wanted)
    {
        var found = new Dictionary<int, string>();
        string text = File.ReadAllText(file);
        int number = 0;
        for (int start = 0; start <= text.Length && found.Count < wanted.Count;)
        {
            int end = text.IndexOf('\n', start);
            if (end < 0) end = text.Length;
            number++;
            if (wanted.Contains(number)) found[number] = text[start..(end > start && text[end - 1] == '\r' ? end - 1 : end)];
            start = end + 1;
        }
        return found;
    }

    /// <summary>Answers every prompt; writes id, completion and reference as JSON lines to <paramref name="writeTo"/> when given.</summary>
    public static HeldOutAnswers Answer(LlamaForCausalLM model, IReadOnlyList<HeldOutPrompt> prompts,
        Func<IReadOnlyList<ChatMessage>, int[]> encode, Func<IReadOnlyList<int>, string> decode, IReadOnlySet<int> stopIds,
        int maxNewTokens, string? writeTo)
    {
        var generated = BatchedGreedyDecoder.Generate(model, prompts.Select(p => encode(p.Prompt)).ToList(), maxNewTokens, stopIds);
        var answers = prompts.Select((p, i) => new HeldOutAnswer(p.Id, p.File, p.Line, p.Prompt, p.Reference, decode(generated[i]), p.Item)).ToList();
        if (writeTo is not null)
            AtomicFile.WriteAllText(writeTo, string.Concat(answers.Select(a =>
                JsonSerializer.Serialize(new { id = a.Id, completion = a.Completion, reference = a.Reference }) + "\n")));
        return new HeldOutAnswers(answers, prompts.Count == 0 ? "no held-out example has a prompt before its final assistant turn" : null);
    }
}
