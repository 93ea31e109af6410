using System.Text;
using DeclarativeSft.Jinja.Lexing;
using DeclarativeSft.Jinja.Runtime;
using DeclarativeSft.Jinja.Syntax;

namespace DeclarativeSft.Jinja;

/// <summary>Whitespace options of the Jinja environment.</summary>
/// <param name="TrimBlocks">Drop the first newline after a block or comment tag.</param>
/// <param name="LStripBlocks">Strip spaces and tabs before a block or comment tag that starts a line.</param>
public sealed record JinjaOptions(bool TrimBlocks, bool LStripBlocks)
{
    /// <summary>What transformers uses for chat templates: <c>trim_blocks=True, lstrip_blocks=True</c>.</summary>
    public static JinjaOptions ChatTemplate { get; } = new(true, true);

    /// <summary>Jinja2's own defaults (neither option).</summary>
    public static JinjaOptions JinjaDefault { get; } = new(false, false);
}

/// <summary>
/// A parsed Jinja template. Parse once, render many times: rendering is thread-safe because all per-render state
/// lives in the render call.
/// </summary>
public sealed class JinjaTemplate
{
    private readonly List<Stmt> _body;

    private JinjaTemplate(List<Stmt> body, string source)
    {
        _body = body;
        Source = source;
    }

    /// <summary>The template text this was parsed from.</summary>
    public string Source { get; }

    /// <summary>Parses <paramref name="source"/>; syntax errors are <see cref="JinjaException"/> with line and column.</summary>
    public static JinjaTemplate Parse(string source, JinjaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= JinjaOptions.ChatTemplate;
        var tokens = Lexer.Tokenize(source, options.TrimBlocks, options.LStripBlocks);
        return new JinjaTemplate(Parser.Parse(tokens), source);
    }

    /// <summary>
    /// Renders with the given variables. Values may be strings, numbers, booleans, null, lists/enumerables,
    /// string-keyed dictionaries, <see cref="ChatTurn"/>s and <see cref="System.Text.Json.JsonElement"/>s.
    /// </summary>
    public string Render(IReadOnlyDictionary<string, object?>? variables = null)
    {
        var converted = new Dictionary<string, object?>(variables?.Count ?? 0);
        if (variables is not null)
            foreach (var (k, v) in variables) converted[k] = Values.FromDotNet(v);
        return RenderConverted(converted);
    }

    internal string RenderConverted(IReadOnlyDictionary<string, object?> variables)
    {
        var frame = new Frame(new Frame(variables));
        var output = new StringBuilder(256);
        try
        {
            Stmt.RenderAll(_body, frame, output);
        }
        catch (JinjaException) { throw; }
        catch (InsufficientExecutionStackException)
        {
            throw new JinjaException("template recursion is too deep");
        }
        catch (Exception e)
        {
            throw new JinjaException($"internal error while rendering: {e.Message}");
        }
        return output.ToString();
    }
}
