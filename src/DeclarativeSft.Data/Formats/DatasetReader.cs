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
        using var reader = new StreamReader(path);
        return Read(reader, path, format);
    }

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

    /// <summary>Parses one line (a JSON object) of a data file.</summary>
    public static Conversation ParseLine(string line, string file, int lineNumber, DatasetFormat format)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
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
            string? orderProblem = ConversationRules.FindOrderProblem(messages);
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
