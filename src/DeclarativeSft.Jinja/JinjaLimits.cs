using System.Globalization;

namespace DeclarativeSft.Jinja;

/// <summary>
/// Bounds on what one template may do, so that a hostile or broken chat template fails with a
/// <see cref="JinjaLimitException"/> instead of overflowing the stack, hanging or exhausting memory.
/// The defaults are above what Python's Jinja2 itself manages at its default recursion limit (69 nested
/// parentheses, 98 nested ifs) and far above any real chat template (macro recursion: 128, where Jinja2 manages 247,
/// so that a recursion fits a 1 MiB thread stack).
/// </summary>
public sealed record JinjaLimits
{
    /// <summary>The defaults.</summary>
    public static JinjaLimits Default { get; } = new();

    /// <summary>How deep blocks (<c>{% if %}</c>, <c>{% for %}</c>, ...) and expressions (brackets, calls, <c>not</c>,
    /// signs, inline ifs) may nest, counted together, when parsing.</summary>
    public int MaxNestingDepth { get; init; } = 200;

    /// <summary>How deep macro calls (and <c>caller()</c>) may nest while rendering.</summary>
    public int MaxCallDepth { get; init; } = 128;

    /// <summary>Loop iterations plus macro calls in one render.</summary>
    public long MaxRenderSteps { get; init; } = 2_000_000;

    /// <summary>Length (UTF-16 characters) of the rendered text and of any one string or list a render builds.</summary>
    public int MaxOutputLength { get; init; } = 50_000_000;

    /// <summary>Characters and list items built in one render, all strings and lists together (catches quadratic growth).</summary>
    public long MaxBuiltTotal { get; init; } = 1_000_000_000;
}

/// <summary>
/// A template exceeded one of its <see cref="JinjaLimits"/>. The message names the template (when it has a name),
/// the limit and its value, and the template position.
/// </summary>
public sealed class JinjaLimitException : JinjaException
{
    internal JinjaLimitException(string reason, string limitName, long limit, int line = 0, int column = 0)
        : base(reason, line, column)
    {
        LimitName = limitName;
        Limit = limit;
    }

    /// <summary>The <see cref="JinjaLimits"/> property that was exceeded (e.g. <c>MaxRenderSteps</c>).</summary>
    public string LimitName { get; }

    /// <summary>Its value.</summary>
    public long Limit { get; }

    internal override JinjaException WithLocation(int line, int column) =>
        new JinjaLimitException(Reason, LimitName, Limit, line, column);

    internal static JinjaLimitException Create(string? templateName, string what, string limitName, long limit, string advice,
        int line = 0, int column = 0)
    {
        string who = templateName is null ? "the template" : $"the chat template in '{templateName}'";
        string value = limit.ToString("N0", CultureInfo.InvariantCulture);
        return new JinjaLimitException($"{who} {what} more than {value} (limit JinjaLimits.{limitName} = {value}). {advice}",
            limitName, limit, line, column);
    }
}
