using System.Text.Encodings.Web;
using System.Text.Json;
using DeclarativeSft.Jinja.Runtime;

namespace DeclarativeSft.Jinja;

/// <summary>A line of a conversations JSONL file is malformed, or its conversation made the template fail.</summary>
public sealed class ChatInputException(string file, int line, string message)
    : UserErrorException($"{file}:{line}: error: {message}")
{
    /// <summary>The input file (as named by the caller).</summary>
    public string File { get; } = file;

    /// <summary>1-based line number in the input.</summary>
    public int Line { get; } = line;
}

/// <summary>
/// Renders JSONL conversations: each line <c>{"messages": [{"role": ..., "content": ...}, ...]}</c> becomes
/// <c>{"text": "..."}</c> in the same order. Message fields beyond role/content (e.g. <c>reasoning_content</c>)
/// are passed to the template as they are.
/// </summary>
public static class ChatJsonlRenderer
{
    private static readonly JsonSerializerOptions OutputJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Renders every non-blank line of <paramref name="input"/>; returns the number of conversations.</summary>
    /// <exception cref="ChatInputException">A line is not a valid conversation, or the template raised for it.</exception>
    public static int Render(TextReader input, TextWriter output, HfChatTemplate template, bool addGenerationPrompt, string inputName)
    {
        int lineNumber = 0, count = 0;
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var messages = ParseLine(line, inputName, lineNumber);
            string text;
            try { text = template.Render(messages, addGenerationPrompt); }
            catch (JinjaException e)
            {
                string where = e.TemplateLine > 0 ? $" (chat template line {e.TemplateLine}, column {e.TemplateColumn})" : "";
                throw new ChatInputException(inputName, lineNumber,
                    (e.RaisedByTemplate ? "the chat template rejected this conversation: " : "rendering failed: ") + e.Reason + where);
            }
            output.Write("{\"text\":");
            output.Write(JsonSerializer.Serialize(text, OutputJson));
            output.Write("}\n");
            count++;
        }
        return count;
    }

    private static List<IReadOnlyDictionary<string, object?>> ParseLine(string line, string file, int lineNumber)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(line); }
        catch (JsonException e) { throw new ChatInputException(file, lineNumber, $"not valid JSON ({e.Message})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
                throw new ChatInputException(file, lineNumber, "expected an object with a \"messages\" array, like {\"messages\": [{\"role\": \"user\", \"content\": \"...\"}]}");
            var list = new List<IReadOnlyDictionary<string, object?>>();
            int index = 0;
            foreach (var m in messages.EnumerateArray())
            {
                if (m.ValueKind != JsonValueKind.Object)
                    throw new ChatInputException(file, lineNumber, $"messages[{index}] must be an object with \"role\" and \"content\"");
                if (!m.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
                    throw new ChatInputException(file, lineNumber, $"messages[{index}] has no string \"role\"");
                if (!m.TryGetProperty("content", out var content) || content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array or JsonValueKind.Null))
                    throw new ChatInputException(file, lineNumber, $"messages[{index}] has no \"content\" (a string, or a list of parts)");
                list.Add((OrderedDictionary<string, object?>)Values.FromJson(m)!);
                index++;
            }
            if (list.Count == 0) throw new ChatInputException(file, lineNumber, "\"messages\" is empty");
            return list;
        }
    }
}
