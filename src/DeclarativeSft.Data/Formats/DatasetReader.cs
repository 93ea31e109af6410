using System.Text.Json;

namespace DeclarativeSft.Data;

/// <summary>
/// Reads JSON-lines data files in any <see cref="DatasetFormat"/> into <see cref="Conversation"/>s.
/// Every problem is a <see cref="DataFormatException"/> naming file:line; blank lines are skipped.
/// </summary>
public static class DatasetReader
{
    /// <summary>Joins an Alpaca record's instruction and non-empty input in the user message.</summary>
    public const string AlpacaInputSeparator = "\n\n### Input:\n";

    /// <summary>Reads every example of <paramref name="path"/>.</summary>
    public static List<Conversation> ReadFile(string path, DatasetFormat format)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: data file not found; check data.train / data.validation / data.replay paths in the recipe (relative paths resolve against the recipe folder)", path);
        CheckNotBinary(path);
        try
        {
            // Strict UTF-8: invalid bytes are an error at their line, not silently U+FFFD.
            using var reader = new StreamReader(path, StrictUtf8, detectEncodingFromByteOrderMarks: false);
            return Read(reader, path, format);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw InvalidUtf8(path);
        }
    }

    /// <summary>JSON nesting allowed in a data line: the same as the build-time check's (generators' JsonReader.MaxDepth).</summary>
    public const int MaxJsonDepth = 256;

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly JsonDocumentOptions LineOptions = new() { MaxDepth = MaxJsonDepth };

    private static void CheckNotBinary(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[8192];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        int nul = Array.IndexOf(head, (byte)0, 0, n);
        if (nul < 0) return;
        int line = 1;
        for (int i = 0; i < nul; i++) if (head[i] == (byte)'\n') line++;
        throw new DataFormatException(path, line,
            $"the file is binary, not text (a NUL byte at byte {nul + 1}); a data file is UTF-8 text with one JSON object per line. Point the recipe at the .jsonl file");
    }

    /// <summary>Finds the first invalid UTF-8 sequence (only on the error path) and names its line and column.</summary>
    private static DataFormatException InvalidUtf8(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int line = 1, lineStart = 0, i = 0;
        Span<char> decoded = stackalloc char[8];
        while (i < bytes.Length)
        {
            var status = System.Text.Unicode.Utf8.ToUtf16(bytes.AsSpan(i, Math.Min(UtfSequenceLength(bytes[i]), bytes.Length - i)), decoded, out int read, out _,
                replaceInvalidSequences: false, isFinalBlock: true);
            if (status == System.Buffers.OperationStatus.InvalidData || read == 0)
            {
                int column = System.Text.Encoding.UTF8.GetCharCount(bytes, lineStart, i - lineStart) + 1;
                return new DataFormatException(path, line,
                    $"column {column}: invalid UTF-8 (byte 0x{bytes[i]:X2} at byte offset {i}); data files must be UTF-8 text. " +
                    "Re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)");
            }
            if (bytes[i] == (byte)'\n') { line++; lineStart = i + 1; }
            i += UtfSequenceLength(bytes[i]);
        }
        return new DataFormatException(path, line, "invalid UTF-8; data files must be UTF-8 text. Re-save the file as UTF-8");
    }

    private static int UtfSequenceLength(byte b) => b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;

    /// <summary>Reads examples from <paramref name="reader"/>; <paramref name="sourceName"/> is used in errors.</summary>
    public static List<Conversation> Read(TextReader reader, string sourceName, DatasetFormat format)
    {
        var result = new List<Conversation>();
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            result.Add(ParseLine(line, sourceName, lineNumber, format));
        }
        return result;
    }

    /// <summary>1-based column of the first \\uD800–\\uDFFF escape that is not a high-low pair, or null.</summary>
    private static int? FindLoneSurrogateEscape(string line)
    {
        for (int i = 0; i + 5 < line.Length; i++)
        {
            if (line[i] != '\\') continue;
            if (line[i + 1] != 'u') { i++; continue; } // another escape (\\\\, \\", …)
            if (!int.TryParse(line.AsSpan(i + 2, 4), System.Globalization.NumberStyles.HexNumber, null, out int code)) continue;
            if (code is >= 0xD800 and <= 0xDBFF && i + 11 < line.Length && line[i + 6] == '\\' && line[i + 7] == 'u'
                && int.TryParse(line.AsSpan(i + 8, 4), System.Globalization.NumberStyles.HexNumber, null, out int low) && low is >= 0xDC00 and <= 0xDFFF)
            {
                i += 11;
                continue;
            }
            if (code is >= 0xD800 and <= 0xDFFF) return i + 1;
            i += 5;
        }
        return null;
    }

    /// <summary>Parses one line (a JSON object) of a data file.</summary>
    public static Conversation ParseLine(string line, string file, int lineNumber, DatasetFormat format) =>
        ParseLine(line, file, lineNumber, format, checkOrder: true);

    /// <summary>Parses one line; <paramref name="checkOrder"/> false leaves the turn order to the caller (the dataset
    /// checks report it with their own severity).</summary>
    public static Conversation ParseLine(string line, string file, int lineNumber, DatasetFormat format, bool checkOrder)
    {
        JsonDocument document;
        if (line.Contains("\\u", StringComparison.Ordinal) && FindLoneSurrogateEscape(line) is int column)
            throw new DataFormatException(file, lineNumber,
                $"column {column}: lone surrogate escape '{line.Substring(column - 1, 6)}' is not a character (only a pair such as \\ud83d\\ude00 is); fix the text that produced it");
        try
        {
            document = JsonDocument.Parse(line, LineOptions);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(file, lineNumber,
                $"not valid JSON ({FirstSentence(e.Message)}); each line must be one JSON object");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new DataFormatException(file, lineNumber, $"expected a JSON object, found {Describe(root.ValueKind)}");
            var fields = new LineFields(root, file, lineNumber, format);
            var messages = format switch
            {
                DatasetFormat.Messages => ReadMessages(fields),
                DatasetFormat.ShareGpt => ReadShareGpt(fields),
                DatasetFormat.Alpaca => ReadAlpaca(fields),
                DatasetFormat.PromptCompletion => ReadPromptCompletion(fields),
                DatasetFormat.UserAssistant => ReadUserAssistant(fields),
                _ => throw new ArgumentOutOfRangeException(nameof(format)),
            };
            string? orderProblem = checkOrder ? ConversationRules.FindOrderProblem(messages) : null;
            if (orderProblem != null) throw new DataFormatException(file, lineNumber, orderProblem);
            return new Conversation(messages, file, lineNumber);
        }
    }

    private static List<ChatMessage> ReadMessages(LineFields fields)
    {
        var list = fields.RequiredArray("messages");
        var messages = new List<ChatMessage>();
        int index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var message = fields.Element(item, $"messages[{index}]");
            string role = message.RequiredString("role");
            if (role is not (ChatRoles.System or ChatRoles.User or ChatRoles.Assistant))
                throw fields.Error($"messages[{index}].role is '{role}'; use system, user or assistant");
            string content = message.RequiredString("content");
            bool? train = message.OptionalBool("train");
            messages.Add(new ChatMessage(role, content, train));
            index++;
        }
        return messages;
    }

    private static List<ChatMessage> ReadShareGpt(LineFields fields)
    {
        var list = fields.RequiredArray("conversations");
        var messages = new List<ChatMessage>();
        int index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var turn = fields.Element(item, $"conversations[{index}]");
            string from = turn.RequiredString("from");
            string role = from switch
            {
                "system" => ChatRoles.System,
                "human" => ChatRoles.User,
                "gpt" => ChatRoles.Assistant,
                _ => throw fields.Error($"conversations[{index}].from is '{from}'; sharegpt uses system, human or gpt"),
            };
            messages.Add(new ChatMessage(role, turn.RequiredString("value"), turn.OptionalBool("train")));
            index++;
        }
        return messages;
    }

    private static List<ChatMessage> ReadAlpaca(LineFields fields)
    {
        string instruction = fields.RequiredString("instruction");
        string? input = fields.OptionalString("input");
        string output = fields.RequiredString("output");
        // The input, when present, is context for the instruction: both are the user's turn, the input under
        // Alpaca's own "### Input:" header so that the alpaca template renders Stanford Alpaca's layout.
        string user = string.IsNullOrEmpty(input) ? instruction : instruction + AlpacaInputSeparator + input;
        return [new ChatMessage(ChatRoles.User, user), new ChatMessage(ChatRoles.Assistant, output)];
    }

    private static List<ChatMessage> ReadPromptCompletion(LineFields fields) =>
        [new ChatMessage(ChatRoles.User, fields.RequiredString("prompt")),
         new ChatMessage(ChatRoles.Assistant, fields.RequiredString("completion"))];

    private static List<ChatMessage> ReadUserAssistant(LineFields fields)
    {
        string user = fields.RequiredString("User");
        string assistant = fields.RequiredString("Assistant");
        string? system = fields.OptionalString("Template");
        var messages = new List<ChatMessage>(3);
        if (!string.IsNullOrEmpty(system)) messages.Add(new ChatMessage(ChatRoles.System, system));
        messages.Add(new ChatMessage(ChatRoles.User, user));
        messages.Add(new ChatMessage(ChatRoles.Assistant, assistant));
        return messages;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message.TrimEnd('.');
    }

    /// <summary>Field access on one JSON object with errors that say which field of which line is wrong.</summary>
    private readonly struct LineFields(JsonElement obj, string file, int line, DatasetFormat format, string prefix = "")
    {
        public DataFormatException Error(string problem) => new(file, line, problem);

        public LineFields Element(JsonElement item, string path) =>
            item.ValueKind == JsonValueKind.Object
                ? new LineFields(item, file, line, format, path + ".")
                : throw Error($"{path} must be an object, found {Describe(item.ValueKind)}");

        public JsonElement RequiredArray(string name)
        {
            if (!obj.TryGetProperty(name, out var value))
                throw Error($"missing field '{prefix}{name}' ({FormatHint()})");
            if (value.ValueKind != JsonValueKind.Array)
                throw Error($"field '{prefix}{name}' must be an array, found {Describe(value.ValueKind)}");
            return value;
        }

        public string RequiredString(string name)
        {
            if (!obj.TryGetProperty(name, out var value))
                throw Error($"missing field '{prefix}{name}' ({FormatHint()})");
            if (value.ValueKind != JsonValueKind.String)
                throw Error($"field '{prefix}{name}' must be a string, found {Describe(value.ValueKind)}");
            return value.GetString()!;
        }

        public string? OptionalString(string name)
        {
            if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind != JsonValueKind.String)
                throw Error($"field '{prefix}{name}' must be a string, found {Describe(value.ValueKind)}");
            return value.GetString();
        }

        public bool? OptionalBool(string name)
        {
            if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Error($"field '{prefix}{name}' must be true or false, found {Describe(value.ValueKind)}"),
            };
        }

        private string FormatHint() => format switch
        {
            DatasetFormat.Messages => "format messages expects {\"messages\":[{\"role\":…,\"content\":…}]}",
            DatasetFormat.ShareGpt => "format sharegpt expects {\"conversations\":[{\"from\":…,\"value\":…}]}",
            DatasetFormat.Alpaca => "format alpaca expects {\"instruction\":…,\"input\":…,\"output\":…}",
            DatasetFormat.PromptCompletion => "format prompt_completion expects {\"prompt\":…,\"completion\":…}",
            DatasetFormat.UserAssistant => "format user_assistant expects {\"User\":…,\"Assistant\":…,\"Template\":…}",
            _ => "",
        };
    }
}
