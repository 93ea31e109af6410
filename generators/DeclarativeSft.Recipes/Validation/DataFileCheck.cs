using System.Collections.Generic;
using System.Linq;
using System.Text;
using DeclarativeSft.Data.Json;

namespace DeclarativeSft.Recipes;

/// <summary>
/// Checks a JSONL data file line by line against data.format and the mask mode; diagnostics point at the data
/// file's line and column. One pass, no per-line substring allocation.
/// </summary>
public static class DataFileCheck
{
    /// <summary>Diagnostics per file are capped so one broken file does not bury everything else.</summary>
    public const int MaxDiagnosticsPerFile = 20;

    private static readonly string[] MessageRoles = { "system", "user", "assistant" };
    private static readonly string[] ShareGptRoles = { "system", "human", "gpt" };

    /// <summary>Checks <paramref name="text"/> (the contents of <paramref name="path"/>) for <paramref name="spec"/>.</summary>
    /// <returns>Diagnostics and the number of valid examples.</returns>
    public static (List<RecipeDiagnostic> Diagnostics, int Examples) Check(string path, string text, RecipeSpec spec)
    {
        var state = new State(path, spec);
        int nul = text.IndexOf('\0');
        if (nul >= 0)
        {
            // A binary file (an image, an archive, a model file) named as data: say so once, at the first NUL.
            int line = 1, lineStart = 0;
            for (int i = 0; i < nul; i++) if (text[i] == '\n') { line++; lineStart = i + 1; }
            state.Line = line;
            state.LineStart = lineStart;
            state.Report(RecipeDiagnostics.DataLineNotJson, nul,
                "the file is binary, not text (it has a NUL byte here); a data file is UTF-8 text with one JSON object per line. Point the recipe at the .jsonl file");
            return (state.Diagnostics, 0);
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
                state.Line = lineNumber;
                state.LineStart = start;
                if (CheckLine(state, text, start, contentEnd)) state.Examples++;
                if (state.Diagnostics.Count >= MaxDiagnosticsPerFile) break;
            }
            if (end >= text.Length) break;
            start = end + 1;
        }
        return (state.Diagnostics, state.Examples);
    }

    private sealed class State
    {
        public State(string path, RecipeSpec spec) { Path = path; Spec = spec; }
        public string Path { get; }
        public RecipeSpec Spec { get; }
        public int Line;
        public int LineStart;
        public int Examples;
        public List<RecipeDiagnostic> Diagnostics { get; } = new();

        public void Report(RecipeDiagnosticDescriptor d, int offset, params object?[] args) =>
            Diagnostics.Add(d.At(Path, new SourcePosition(Line, offset - LineStart + 1), args));
    }

    private static bool IsBlank(string s, int start, int end)
    {
        for (int i = start; i < end; i++)
            if (!char.IsWhiteSpace(s[i])) return false;
        return true;
    }

    private static bool CheckLine(State st, string text, int start, int end)
    {
        var root = JsonReader.Parse(text, start, end, out var error);
        if (root is null)
        {
            st.Report(RecipeDiagnostics.DataLineNotJson, error!.Offset, error.Message);
            return false;
        }
        if (root.Kind != JsonKind.Object)
        {
            st.Report(RecipeDiagnostics.DataLineNotJson, root.Offset, "it is " + root.Describe());
            return false;
        }
        var turns = st.Spec.Data.Format switch
        {
            DataFormat.Messages => ReadChat(st, root, "messages", "role", "content", MessageRoles, "{\"messages\": [{\"role\": \"user\", \"content\": \"…\"}, {\"role\": \"assistant\", \"content\": \"…\"}]}"),
            DataFormat.ShareGpt => ReadChat(st, root, "conversations", "from", "value", ShareGptRoles, "{\"conversations\": [{\"from\": \"human\", \"value\": \"…\"}, {\"from\": \"gpt\", \"value\": \"…\"}]}"),
            DataFormat.Alpaca => ReadFields(st, root, "instruction", "output", "input", "{\"instruction\": \"…\", \"input\": \"…\", \"output\": \"…\"}"),
            DataFormat.PromptCompletion => ReadFields(st, root, "prompt", "completion", null, "{\"prompt\": \"…\", \"completion\": \"…\"}"),
            _ => ReadFields(st, root, "User", "Assistant", "Template", "{\"User\": \"…\", \"Assistant\": \"…\", \"Template\": \"optional system text\"}"),
        };
        if (turns is null) return false;
        if (!HasTrainableToken(st.Spec, turns))
        {
            var mode = RecipeNames.NameOf(RecipeNames.MaskModes, st.Spec.Mask.TrainOn);
            var eos = st.Spec.Mask.TrainEos ? "" : " with train_eos: false";
            st.Report(RecipeDiagnostics.NoTrainableToken, root.Offset, mode, eos,
                turns.Any(t => t.IsAssistant) ? "Give the assistant turn some content, or set mask.train_eos: true." : "Add an assistant turn, or use mask.train_on: all.");
            return false;
        }
        if (st.Spec.Data.Truncation == TruncationMode.Error && st.Spec.Tokenizer.Source == TokenizerSource.BuiltinBytes)
        {
            // builtin:bytes makes one token per UTF-8 byte: the content alone is a lower bound on the length.
            int bytes = turns.Sum(t => Encoding.UTF8.GetByteCount(t.Content));
            if (bytes > st.Spec.Data.MaxSeqLen)
            {
                st.Report(RecipeDiagnostics.ExampleTooLong, root.Offset, bytes, st.Spec.Data.MaxSeqLen);
                return false;
            }
        }
        return true;
    }

    private readonly record struct Turn(string Role, string Content, bool IsAssistant, bool? Train, int Offset);

    private static List<Turn>? ReadChat(State st, JsonNode root, string listName, string roleName, string contentName, string[] roles, string example)
    {
        var list = root[listName];
        if (list is null || list.Kind != JsonKind.Array)
        {
            st.Report(RecipeDiagnostics.DataMissingField, list?.Offset ?? root.Offset,
                list is null ? $"Missing field \"{listName}\"" : $"Field \"{listName}\" must be an array, not {list.Describe()}", FormatName(st), example);
            return null;
        }
        var turns = new List<Turn>();
        foreach (var item in list.Items!)
        {
            if (item.Kind != JsonKind.Object)
            {
                st.Report(RecipeDiagnostics.DataMissingField, item.Offset, $"Each turn of \"{listName}\" must be an object, not {item.Describe()}", FormatName(st), example);
                return null;
            }
            var role = item[roleName];
            var content = item[contentName];
            if (role?.AsString is null || content?.AsString is null)
            {
                var missing = role?.AsString is null ? roleName : contentName;
                var node = role?.AsString is null ? role : content;
                st.Report(RecipeDiagnostics.DataMissingField, node?.Offset ?? item.Offset,
                    node is null ? $"Turn is missing field \"{missing}\"" : $"Field \"{missing}\" must be a string, not {node.Describe()}", FormatName(st), example);
                return null;
            }
            if (!roles.Contains(role.AsString))
            {
                st.Report(RecipeDiagnostics.DataUnknownRole, role.Offset, role.AsString, Suggestions.DidYouMean(role.AsString, roles), FormatName(st), Suggestions.List(roles));
                return null;
            }
            bool? train = null;
            var trainNode = item["train"];
            if (trainNode is not null && st.Spec.Data.Format == DataFormat.Messages)
            {
                if (trainNode.Kind is not (JsonKind.True or JsonKind.False))
                {
                    st.Report(RecipeDiagnostics.DataMissingField, trainNode.Offset, $"Field \"train\" must be true or false, not {trainNode.Describe()}", FormatName(st), example);
                    return null;
                }
                train = trainNode.Kind == JsonKind.True;
            }
            turns.Add(new Turn(role.AsString, content.AsString, role.AsString == roles[2], train, role.Offset));
        }
        if (turns.Count == 0)
        {
            st.Report(RecipeDiagnostics.DataMissingField, list.Offset, $"Field \"{listName}\" is empty", FormatName(st), example);
            return null;
        }
        // Order: optional system first, then user/assistant alternating, starting with user.
        string expected = roles[1];
        for (int i = 0; i < turns.Count; i++)
        {
            var role = turns[i].Role;
            if (role == roles[0] && i == 0) continue;
            if (role != expected)
            {
                var why = role == roles[0]
                    ? $"Turn {i + 1} is '{role}', but a system turn may only come first"
                    : $"Turn {i + 1} is '{role}' where '{expected}' was expected";
                st.Report(RecipeDiagnostics.DataWrongOrder, turns[i].Offset, why);
                return null;
            }
            expected = expected == roles[1] ? roles[2] : roles[1];
        }
        return turns;
    }

    private static List<Turn>? ReadFields(State st, JsonNode root, string promptName, string answerName, string? optionalName, string example)
    {
        foreach (var name in new[] { promptName, answerName, optionalName })
        {
            if (name is null) continue;
            var node = root[name];
            if (node is null && name == optionalName) continue;
            if (node?.AsString is null)
            {
                st.Report(RecipeDiagnostics.DataMissingField, node?.Offset ?? root.Offset,
                    node is null ? $"Missing field \"{name}\"" : $"Field \"{name}\" must be a string, not {node.Describe()}", FormatName(st), example);
                return null;
            }
        }
        var turns = new List<Turn>();
        if (optionalName is not null && root[optionalName]?.AsString is { } extra)
            turns.Add(new Turn("system", extra, false, null, root.Offset));
        turns.Add(new Turn("user", root[promptName]!.AsString!, false, null, root.Offset));
        turns.Add(new Turn("assistant", root[answerName]!.AsString!, true, null, root.Offset));
        return turns;
    }

    private static bool HasTrainableToken(RecipeSpec spec, List<Turn> turns)
    {
        bool eos = spec.Mask.TrainEos;
        if (turns.Any(t => t.Train == true && (t.Content.Length > 0 || (t.IsAssistant && eos)))) return true;
        bool Trainable(Turn t) => t.Train != false && (t.Content.Length > 0 || eos);
        switch (spec.Mask.TrainOn)
        {
            case MaskMode.All:
                return turns.Any(t => t.Train != false && t.Content.Length > 0) || (eos && turns.Any(t => t.IsAssistant));
            case MaskMode.Assistant:
                return turns.Any(t => t.IsAssistant && Trainable(t));
            default: // last_assistant, completion: only the final assistant turn
                var last = turns.LastOrDefault(t => t.IsAssistant);
                return last.Role is not null && Trainable(last);
        }
    }

    private static string FormatName(State st) => RecipeNames.NameOf(RecipeNames.DataFormats, st.Spec.Data.Format);
}
