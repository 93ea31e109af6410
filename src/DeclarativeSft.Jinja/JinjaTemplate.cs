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
    /// <summary>Bounds on nesting, recursion, loop iterations and sizes (see <see cref="JinjaLimits"/>).</summary>
    public JinjaLimits Limits { get; init; } = JinjaLimits.Default;

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
    private readonly JinjaLimits _limits;

    private JinjaTemplate(List<Stmt> body, string source, JinjaLimits limits, string? name)
    {
        _body = body;
        _limits = limits;
        Source = source;
        Name = name;
    }

    /// <summary>The template text this was parsed from.</summary>
    public string Source { get; }

    /// <summary>Where the template comes from (e.g. a tokenizer_config.json path), named in limit errors; null if unnamed.</summary>
    public string? Name { get; }

    /// <summary>Parses <paramref name="source"/>; syntax errors are <see cref="JinjaException"/> with line and column.</summary>
    public static JinjaTemplate Parse(string source, JinjaOptions? options = null) => Parse(source, options, null);

    /// <summary>Parses <paramref name="source"/>, naming it <paramref name="name"/> (a file path) in limit errors.</summary>
    /// <exception cref="JinjaLimitException">The template nests deeper than <see cref="JinjaLimits.MaxNestingDepth"/>.</exception>
    public static JinjaTemplate Parse(string source, JinjaOptions? options, string? name)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= JinjaOptions.ChatTemplate;
        var tokens = Lexer.Tokenize(source, options.TrimBlocks, options.LStripBlocks);
        return new JinjaTemplate(Parser.Parse(tokens, options.Limits, name), source, options.Limits, name);
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
        using var budget = RenderBudget.Begin(_limits, Name);
        try
        {
            Stmt.RenderAll(_body, frame, output);
        }
        catch (JinjaException) { throw; }
        catch (InsufficientExecutionStackException)
        {
            throw new JinjaException("template recursion is too deep");
        }
        catch (OutOfMemoryException)
        {
            throw new JinjaException((Name is null ? "the template" : $"the chat template in '{Name}'") +
                " ran out of memory while rendering; it builds values too large for this machine. Fix the template or use a named template.format.");
        }
        catch (Exception e)
        {
            throw new JinjaException($"internal error while rendering: {e.Message}");
        }
        return output.ToString();
    }
}
