using System.Diagnostics;
using System.Text.Json;
using DeclarativeSft.Data;

namespace DeclarativeSft.Runtime.Components;

/// <summary>
/// The recipe's <c>data.transform</c>, of either kind, as the data pipeline calls it: an <see cref="IExampleTransform"/>
/// reshapes conversations read in a built-in <c>data.format</c>, an <see cref="IJsonLineTransform"/> makes them from the
/// JSON lines of <c>data.format: custom</c>. An exception the recipe's code throws on a line stops the run with that
/// line's file:line, the class and the exception's message and place, instead of a stack trace.
/// </summary>
public sealed class DataTransform
{
    private readonly object _component;

    private DataTransform(object component, bool readsJsonLines) => (_component, ReadsJsonLines) = (component, readsJsonLines);

    /// <summary>A transform of conversations read in the recipe's <c>data.format</c>.</summary>
    public static DataTransform OfConversations(IExampleTransform transform) => new(transform, readsJsonLines: false);

    /// <summary>A transform of the JSON lines of <c>data.format: custom</c>.</summary>
    public static DataTransform OfJsonLines(IJsonLineTransform transform) => new(transform, readsJsonLines: true);

    /// <summary>The class's full name, as errors name it.</summary>
    public string ClassName => _component.GetType().FullName ?? _component.GetType().Name;

    /// <summary>True for an <see cref="IJsonLineTransform"/> (<c>data.format: custom</c>).</summary>
    public bool ReadsJsonLines { get; }

    /// <summary>The pipeline's transform of read conversations (<see cref="DataPipelineOptions.Transform"/>), or null.</summary>
    internal Func<Conversation, Conversation?>? Conversations => !ReadsJsonLines && _component is IExampleTransform t
        ? c => Guarded(c.SourceFile, c.SourceLine, () => t.Transform(c))
        : null;

    /// <summary>The pipeline's reader of custom lines (<see cref="DataPipelineOptions.ReadCustom"/>), or null.</summary>
    internal Func<RawDataLine, Conversation?>? JsonLines => ReadsJsonLines && _component is IJsonLineTransform t
        ? line =>
        {
            // The line passed the reader's own JSON check (the build's); System.Text.Json gives the user the type they know.
            JsonDocument document;
            try { document = JsonDocument.Parse(line.Json, new JsonDocumentOptions { MaxDepth = DatasetReader.MaxJsonDepth + 1 }); }
            catch (JsonException e)
            {
                throw new DataFormatException(line.File, line.Line, $"System.Text.Json cannot read this line ({e.Message}); each line must be one JSON value",
                    DataProblemKind.NotJson);
            }
            using (document) return Guarded(line.File, line.Line, () => t.Transform(new JsonLine(document.RootElement, line.File, line.Line)));
        }
        : null;

    private Conversation? Guarded(string file, int line, Func<Conversation?> call)
    {
        try { return call(); }
        catch (DataFormatException) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException and not StackOverflowException)
        {
            throw new DataFormatException(file, line,
                $"data.transform {ClassName} failed on this line: {e.GetType().Name}: {e.Message}{Where(e)}. Fix the class, or have it return null to leave such lines out",
                DataProblemKind.TransformFailed);
        }
    }

    /// <summary>" (at Method in File.cs:line N)" for the innermost frame of the exception that has a source line.</summary>
    private static string Where(Exception e)
    {
        foreach (var frame in new StackTrace(e, fNeedFileInfo: true).GetFrames())
            if (frame.GetFileName() is { } path && frame.GetMethod() is { } method)
                return $" (at {method.DeclaringType?.Name}.{method.Name} in {Path.GetFileName(path)}:line {frame.GetFileLineNumber()})";
        return "";
    }
}
