using DeclarativeSft.Data.Json;

namespace DeclarativeSft.Data;

/// <summary>
/// Reads JSON-lines data files in any <see cref="DatasetFormat"/> into <see cref="Conversation"/>s: the one reader
/// of data lines, used by the run (files, <c>ReadFile</c>) and by the build (the source generator's data
/// check, over the AdditionalFiles text, <see cref="ReadText"/>). Every problem is a <see cref="DataFormatException"/>
/// naming file:line and the column of the value at fault; blank lines are skipped.
/// </summary>
public static partial class DatasetReader
{
    /// <summary>Joins an Alpaca record's instruction and non-empty input in the user message.</summary>
    public const string AlpacaInputSeparator = "\n\n### Input:\n";

    /// <summary>JSON nesting allowed in a data line (<see cref="JsonReader.MaxDepth"/>).</summary>
    public const int MaxJsonDepth = JsonReader.MaxDepth;

    /// <summary>How far into a file a NUL byte marks it as binary (the run reads this many bytes to decide).</summary>
    public const int BinaryProbeLength = 8192;

    /// <summary>U+FFFD, the character a decoder puts where bytes are not valid UTF-8.</summary>
    public const char ReplacementCharacter = '\uFFFD';

    /// <summary>
    /// Why a data line holding U+FFFD is refused, at build time (SFT0044) and at run time alike. The build gets the
    /// file from the compiler already decoded, with U+FFFD in place of invalid bytes, so there it cannot tell invalid
    /// UTF-8 from the character itself; refusing both in every reader keeps build and run in agreement. (An escaped
    /// <c>\ufffd</c> inside a JSON string is a deliberate value and reads.)
    /// </summary>
    public const string ReplacementCharacterProblem =
        "U+FFFD (the replacement character) here: either the file is not valid UTF-8 at this point, or it holds U+FFFD itself, " +
        "which stands for text an earlier wrong decoding lost. Re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8) " +
        "and remove or replace the U+FFFD characters";

    /// <summary>Reads examples from <paramref name="reader"/>; <paramref name="sourceName"/> is used in errors. Stops at
    /// the first bad line.</summary>
    public static List<Conversation> Read(TextReader reader, string sourceName, DatasetFormat format)
    {
        var result = new List<Conversation>();
        ReadText(reader.ReadToEnd(), sourceName, format, result.Add, e => throw e);
        return result;
    }

    /// <summary>
    /// Reads every line of <paramref name="text"/> (a whole file), calling <paramref name="onExample"/> for each
    /// example and <paramref name="onProblem"/> for each bad line; stops early when <paramref name="onProblem"/>
    /// returns false. A NUL in the first <see cref="BinaryProbeLength"/> characters is one problem for the file.
    /// Lines end at '\n' (a '\r' before it is dropped), at build and run time alike.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="format"/> is <see cref="DatasetFormat.Custom"/>: such lines are
    /// conversations only through the recipe's data.transform (<see cref="ReadJsonLines"/>, then the transform).</exception>
    public static void ReadText(string text, string sourceName, DatasetFormat format,
        Action<Conversation> onExample, Func<DataFormatException, bool> onProblem)
    {
        if (format == DatasetFormat.Custom) throw CustomNeedsTransform(nameof(format));
        ForEachLine(text, sourceName, (start, end, line) => ParseLine(text, start, end, sourceName, line, format), onExample, onProblem);
    }

    /// <summary>
    /// Reads every line of <paramref name="text"/> as <c>data.format: custom</c> does: each non-blank line must be one
    /// JSON value (of any shape) without U+FFFD, nothing more is known of it. The build checks custom data with this; the
    /// run reads it with this before the recipe's data.transform turns each line into a conversation.
    /// </summary>
    public static void ReadJsonLines(string text, string sourceName, Action<RawDataLine> onLine, Func<DataFormatException, bool> onProblem) =>
        ForEachLine(text, sourceName, (start, end, line) => JsonLine(text, start, end, sourceName, line), onLine, onProblem);

    /// <summary>Checks <paramref name="text"/>[start, end) is one JSON value without U+FFFD (line
    /// <paramref name="lineNumber"/> of <paramref name="file"/>, <c>data.format: custom</c>).</summary>
    public static RawDataLine JsonLine(string text, int start, int end, string file, int lineNumber)
    {
        ParseJson(new LineContext(start, file, lineNumber, DatasetFormat.Custom), text, start, end, "one JSON value");
        return new RawDataLine(text.Substring(start, end - start), file, lineNumber);
    }

    private static ArgumentException CustomNeedsTransform(string parameter) => new(
        "data.format custom lines become conversations only through the recipe's data.transform: read them with ReadJsonLines and the transform (DataPipeline does)", parameter);

    private static void ForEachLine<T>(string text, string sourceName, Func<int, int, int, T> parse, Action<T> onItem,
        Func<DataFormatException, bool> onProblem)
    {
        int nul = text.IndexOf('\0', 0, Math.Min(text.Length, BinaryProbeLength));
        if (nul >= 0)
        {
            var (line, column) = PositionOf(text, nul);
            onProblem(new DataFormatException(sourceName, line,
                "the file is binary, not text (it has a NUL byte here); a data file is UTF-8 text with one JSON object per line. Point the recipe at the .jsonl file",
                DataProblemKind.NotText, column));
            return;
        }
        int lineNumber = 0, start = 0;
        while (start <= text.Length)
        {
            int end = text.IndexOf('\n', start);
            if (end < 0) end = text.Length;
            lineNumber++;
            int contentEnd = end > start && text[end - 1] == '\r' ? end - 1 : end;
            if (!IsBlank(text, start, contentEnd))
            {
                T item = default!;
                DataFormatException? problem = null;
                try { item = parse(start, contentEnd, lineNumber); }
                catch (DataFormatException e) { problem = e; }
                if (problem is not null)
                {
                    if (!onProblem(problem)) return;
                }
                else onItem(item);
            }
            if (end >= text.Length) break;
            start = end + 1;
        }
    }

    /// <summary>Parses one line (a JSON object) of a data file.</summary>
    public static Conversation ParseLine(string line, string file, int lineNumber, DatasetFormat format) =>
        ParseLine(line, 0, line.Length, file, lineNumber, format);

    /// <summary>Parses one line; <paramref name="checkOrder"/> false leaves the turn order to the caller (the dataset
    /// checks report it with their own severity).</summary>
    public static Conversation ParseLine(string line, string file, int lineNumber, DatasetFormat format, bool checkOrder) =>
        ParseLine(line, 0, line.Length, file, lineNumber, format, checkOrder);

    /// <summary>Parses <paramref name="text"/>[start, end), line <paramref name="lineNumber"/> of <paramref name="file"/>.</summary>
    public static Conversation ParseLine(string text, int start, int end, string file, int lineNumber, DatasetFormat format, bool checkOrder = true)
    {
        if (format == DatasetFormat.Custom) throw CustomNeedsTransform(nameof(format));
        var at = new LineContext(start, file, lineNumber, format);
        var root = ParseJson(at, text, start, end, "one JSON object");
        if (root.Kind != JsonKind.Object)
            throw at.Error(root.Offset, DataProblemKind.NotJson, $"expected a JSON object, found {root.Describe()}; each line must be one JSON object", "it is " + root.Describe());
        var fields = new LineFields(at, root, "");
        var turns = format switch
        {
            DatasetFormat.Messages => ReadTurns(fields, "messages", "role", "content", MessageRole),
            DatasetFormat.ShareGpt => ReadTurns(fields, "conversations", "from", "value", ShareGptRole),
            DatasetFormat.Alpaca => ReadAlpaca(fields),
            DatasetFormat.PromptCompletion => ReadPromptCompletion(fields),
            DatasetFormat.UserAssistant => ReadUserAssistant(fields),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        var messages = new List<ChatMessage>(turns.Count);
        foreach (var turn in turns) messages.Add(turn.Message);
        int culprit = -1;
        string? orderProblem = checkOrder ? ConversationRules.FindOrderProblem(messages, out culprit) : null;
        if (orderProblem != null)
            throw at.Error(culprit >= 0 ? turns[culprit].Offset : root.Offset, DataProblemKind.WrongOrder, orderProblem);
        return new Conversation(messages, file, lineNumber) { Layout = string.Join(", ", root.Members!.Select(m => m.Key)) };
    }

    /// <summary>The JSON of <paramref name="text"/>[<paramref name="start"/>, <paramref name="end"/>) (the line <paramref name="at"/>),
    /// refusing U+FFFD first (what invalid UTF-8 decodes to at build time); <paramref name="expected"/> is what each line
    /// must be, for the error (<c>one JSON object</c>).</summary>
    private static JsonNode ParseJson(LineContext at, string text, int start, int end, string expected)
    {
        int replacement = text.IndexOf(ReplacementCharacter, start, end - start);
        if (replacement >= 0)
        {
            var problem = ReplacementCharacterProblem;
            throw at.Error(replacement, DataProblemKind.NotUtf8, $"column {replacement - start + 1}: {problem}", problem);
        }
        var root = JsonReader.Parse(text, start, end, out var error);
        if (root is null)
            throw at.Error(error!.Offset, DataProblemKind.NotJson,
                $"not valid JSON ({error.Message}) at column {error.Offset - start + 1}; each line must be {expected}", error.Message);
        return root;
    }

    /// <summary>A message and the offset of its role (where order problems are reported).</summary>
    private readonly record struct Turn(ChatMessage Message, int Offset);

    private static string? MessageRole(string role) => role is ChatRoles.System or ChatRoles.User or ChatRoles.Assistant ? role : null;

    private static string? ShareGptRole(string from) => from switch
    {
        "system" => ChatRoles.System,
        "human" => ChatRoles.User,
        "gpt" => ChatRoles.Assistant,
        _ => null,
    };

    private static List<Turn> ReadTurns(LineFields fields, string listName, string roleName, string contentName, Func<string, string?> role)
    {
        var list = fields.RequiredArray(listName);
        var turns = new List<Turn>();
        int index = 0;
        foreach (var item in list.Items!)
        {
            var turn = fields.Element(item, $"{listName}[{index}]");
            var roleNode = turn.Required(roleName, JsonKind.String);
            string given = roleNode.Text!;
            string? mapped = role(given);
            if (mapped is null)
            {
                var roles = DatasetFormats.RolesOf(fields.At.Format);
                throw fields.At.Error(roleNode.Offset, DataProblemKind.UnknownRole,
                    $"{listName}[{index}].{roleName} is '{given}'; {DatasetFormats.NameOf(fields.At.Format)} uses {string.Join(", ", roles.Take(roles.Count - 1))} or {roles[roles.Count - 1]}",
                    given);
            }
            string content = turn.Required(contentName, JsonKind.String).Text!;
            turns.Add(new Turn(new ChatMessage(mapped, content, turn.OptionalBool("train")), roleNode.Offset));
            index++;
        }
        return turns;
    }

    private static List<Turn> ReadAlpaca(LineFields fields)
    {
        string instruction = fields.Required("instruction", JsonKind.String).Text!;
        string? input = fields.OptionalString("input");
        string output = fields.Required("output", JsonKind.String).Text!;
        // The input, when present, is context for the instruction: both are the user's turn, the input under
        // Alpaca's own "### Input:" header so that the alpaca template renders Stanford Alpaca's layout.
        string user = string.IsNullOrEmpty(input) ? instruction : instruction + AlpacaInputSeparator + input;
        return [new(new ChatMessage(ChatRoles.User, user), fields.Offset), new(new ChatMessage(ChatRoles.Assistant, output), fields.Offset)];
    }

    private static List<Turn> ReadPromptCompletion(LineFields fields) =>
        [new(new ChatMessage(ChatRoles.User, fields.Required("prompt", JsonKind.String).Text!), fields.Offset),
         new(new ChatMessage(ChatRoles.Assistant, fields.Required("completion", JsonKind.String).Text!), fields.Offset)];

    private static List<Turn> ReadUserAssistant(LineFields fields)
    {
        string user = fields.Required("User", JsonKind.String).Text!;
        string assistant = fields.Required("Assistant", JsonKind.String).Text!;
        string? system = fields.OptionalString("Template");
        var turns = new List<Turn>(3);
        if (!string.IsNullOrEmpty(system)) turns.Add(new(new ChatMessage(ChatRoles.System, system!), fields.Offset));
        turns.Add(new(new ChatMessage(ChatRoles.User, user), fields.Offset));
        turns.Add(new(new ChatMessage(ChatRoles.Assistant, assistant), fields.Offset));
        return turns;
    }

    private static bool IsBlank(string s, int start, int end)
    {
        for (int i = start; i < end; i++)
            if (!char.IsWhiteSpace(s[i])) return false;
        return true;
    }

    /// <summary>1-based line and column of character <paramref name="offset"/> of <paramref name="text"/>.</summary>
    public static (int Line, int Column) PositionOf(string text, int offset)
    {
        int line = 1, lineStart = 0;
        for (int i = 0; i < offset && i < text.Length; i++)
            if (text[i] == '\n') { line++; lineStart = i + 1; }
        return (line, offset - lineStart + 1);
    }

    /// <summary>Where a line is, for errors: its file, number and the offset of its first character.</summary>
    private readonly struct LineContext(int lineStart, string file, int line, DatasetFormat format)
    {
        public DatasetFormat Format => format;

        public DataFormatException Error(int offset, DataProblemKind kind, string problem, string? value = null) =>
            new(file, line, problem, kind, Math.Max(1, offset - lineStart + 1), value);
    }

    /// <summary>Field access on one JSON object with errors that say which field of which line is wrong.</summary>
    private readonly struct LineFields(LineContext at, JsonNode obj, string prefix)
    {
        public LineContext At => at;

        public int Offset => obj.Offset;

        public LineFields Element(JsonNode item, string path) =>
            item.Kind == JsonKind.Object
                ? new LineFields(at, item, path + ".")
                : throw at.Error(item.Offset, DataProblemKind.MissingField, $"{path} must be an object, found {item.Describe()}", $"{path} must be an object, found {item.Describe()}");

        public JsonNode RequiredArray(string name) => Required(name, JsonKind.Array);

        public JsonNode Required(string name, JsonKind kind)
        {
            var value = obj[name];
            if (value is null)
                throw at.Error(obj.Offset, DataProblemKind.MissingField, $"missing field '{prefix}{name}' (format {DatasetFormats.NameOf(at.Format)} expects {DatasetFormats.LayoutOf(at.Format)})",
                    $"missing field '{prefix}{name}'");
            if (value.Kind != kind)
                throw WrongType(value, name, kind == JsonKind.Array ? "an array" : "a string");
            return value;
        }

        public string? OptionalString(string name)
        {
            var value = obj[name];
            if (value is null || value.Kind == JsonKind.Null) return null;
            if (value.Kind != JsonKind.String)
                throw WrongType(value, name, "a string");
            return value.Text;
        }

        public bool? OptionalBool(string name)
        {
            var value = obj[name];
            if (value is null || value.Kind == JsonKind.Null) return null;
            return value.Kind switch
            {
                JsonKind.True => true,
                JsonKind.False => false,
                _ => throw WrongType(value, name, "true or false"),
            };
        }

        private DataFormatException WrongType(JsonNode value, string name, string expected)
        {
            var problem = $"field '{prefix}{name}' must be {expected}, found {value.Describe()}";
            return at.Error(value.Offset, DataProblemKind.MissingField, problem, problem);
        }
    }
}
