using System.Text.Encodings.Web;
using System.Text.Json;

namespace DeclarativeSft.Tokenizers.Jsonl;

/// <summary>
/// The line formats of <c>sft tokenize</c> / <c>sft detokenize</c>: <c>{"text": "..."}</c> ⇄ <c>{"ids": [...]}</c>,
/// one output line per input line, in order (blank lines are skipped).
/// </summary>
public static class TokenizerJsonl
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Encodes each <c>{"text"}</c> line; returns the number of lines written.</summary>
    /// <exception cref="JsonlInputException">A line is not a JSON object with a string "text".</exception>
    public static int Tokenize(TextReader input, TextWriter output, ITokenizer tokenizer, bool addSpecialTokens, string inputName)
    {
        var count = 0;
        var lineNumber = 0;
        var buffer = new MemoryStream();
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = Parse(line, inputName, lineNumber);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                throw new JsonlInputException(inputName, lineNumber, "expected an object with a string \"text\", like {\"text\": \"Hello\"}.");
            var ids = tokenizer.Encode(text.GetString()!, addSpecialTokens);
            buffer.SetLength(0);
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("ids");
                foreach (var id in ids) writer.WriteNumberValue(id);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            count++;
        }
        return count;
    }

    /// <summary>Decodes each <c>{"ids"}</c> line; returns the number of lines written.</summary>
    /// <exception cref="JsonlInputException">A line is not an object with an integer array "ids", or an id is
    /// outside the vocabulary.</exception>
    public static int Detokenize(TextReader input, TextWriter output, ITokenizer tokenizer, bool skipSpecialTokens, string inputName)
    {
        var count = 0;
        var lineNumber = 0;
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = Parse(line, inputName, lineNumber);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("ids", out var idsElement) || idsElement.ValueKind != JsonValueKind.Array)
                throw new JsonlInputException(inputName, lineNumber, "expected an object with an array \"ids\", like {\"ids\": [1, 2, 3]}.");
            var ids = new List<int>();
            foreach (var item in idsElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var id))
                    throw new JsonlInputException(inputName, lineNumber, $"\"ids\" must hold integers; found {item.GetRawText()}.");
                if (id < 0 || id >= tokenizer.VocabSize)
                    throw new JsonlInputException(inputName, lineNumber, $"token id {id} is outside the vocabulary (0..{tokenizer.VocabSize - 1}); were these ids made with another tokenizer?");
                ids.Add(id);
            }
            output.WriteLine(JsonSerializer.Serialize(new { text = tokenizer.Decode(ids, skipSpecialTokens) },
                new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            count++;
        }
        return count;
    }

    private static JsonDocument Parse(string line, string inputName, int lineNumber)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new JsonlInputException(inputName, lineNumber, $"not valid JSON ({e.Message.Split(" Path:")[0]}).");
        }
    }
}
