using System.Text.Json;
using DeclarativeSft.Data;

namespace DeclarativeSft.Runtime.Components;

/// <summary>
/// Code of the recipe project named by <c>data.transform</c> in a recipe with <c>data.format: custom</c>: data in the
/// user's own layout. The run hands it every line of the data files (training and validation) as JSON, and what it
/// returns is checked and trained like a conversation read in a built-in format (turn order, default system prompt,
/// rendering, masking, truncation). The build checks such files only as JSON (SFT0078): it cannot run this code.
/// </summary>
public interface IJsonLineTransform
{
    /// <summary>The conversation to train on for <paramref name="line"/>, or null to leave the line out. Build it with
    /// <see cref="JsonLine.Conversation"/>; throw <see cref="JsonLine.Error"/> for a line that is wrong, so that the run
    /// stops naming its file:line.</summary>
    Conversation? Transform(JsonLine line);
}

/// <summary>One line of a <c>data.format: custom</c> file as <see cref="IJsonLineTransform"/> receives it.</summary>
public readonly struct JsonLine
{
    internal JsonLine(JsonElement json, string file, int line) => (Json, File, Line) = (json, file, line);

    /// <summary>The line's JSON value. It lives as long as the call: copy what you keep (<see cref="JsonElement.Clone"/>).</summary>
    public JsonElement Json { get; }

    /// <summary>The data file.</summary>
    public string File { get; }

    /// <summary>1-based line number in <see cref="File"/>.</summary>
    public int Line { get; }

    /// <summary>A conversation of <paramref name="messages"/> read from this line (errors about it name the line).</summary>
    public Conversation Conversation(params ChatMessage[] messages) => new(messages, File, Line);

    /// <summary>A conversation of <paramref name="messages"/> read from this line.</summary>
    public Conversation Conversation(IEnumerable<ChatMessage> messages) => new(messages.ToList(), File, Line);

    /// <summary>The error for a line that cannot be used: throw it, and the run stops with
    /// <c>file:line: <paramref name="problem"/></c>.</summary>
    public DataFormatException Error(string problem) => new(File, Line, problem, DataProblemKind.TransformFailed);
}
