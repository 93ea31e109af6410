using System;
using System.Collections.Generic;

namespace DeclarativeSft.Recipes.Yaml;

/// <summary>
/// Turns a YAML syntax error into one a person can act on, for the mistakes whose YamlDotNet report is far from the
/// cause or in its internal words: a tab in an indent (reported at the tab), and a '[' or '{' that is never closed
/// (reported where it opens, naming where the parser gave up). Only consulted when the YAML failed to parse.
/// </summary>
internal static class YamlErrorHints
{
    public static (string Message, SourcePosition Position)? Explain(string text, SourcePosition gaveUp, bool positionKnown)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var tab = FirstTabIndent(lines);
        // YamlDotNet may stop at the end of the line before the tab.
        if (tab is { } t && (!positionKnown || t.Line <= gaveUp.Line + 1))
            return ($"tab character in the indentation of line {t.Line} (column {t.Column}); YAML indents with spaces only. " +
                    "Replace the tab with spaces", t);

        var open = UnclosedBracket(lines, out var closer);
        if (open is { } o)
        {
            string where = positionKnown ? $"line {gaveUp.Line}, column {gaveUp.Column}" : $"line {lines.Length}, the end of the file";
            string bracket = o.Bracket == '[' ? "'[' (a flow list)" : "'{' (a flow mapping)";
            string close = o.Bracket == '[' ? "']'" : "'}'";
            string found = closer is null ? "" : $" (the '{closer}' at line {closer.Value.Line}, column {closer.Value.Column} does not close it)";
            return ($"{bracket} opened at line {o.Position.Line}, column {o.Position.Column} is never closed{found}; the YAML parser gave up at {where}. " +
                    $"Add the missing {close}", o.Position);
        }
        return null;
    }

    private static SourcePosition? FirstTabIndent(string[] lines)
    {
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            for (int c = 0; c < line.Length; c++)
            {
                if (line[c] == ' ') continue;
                if (line[c] == '\t')
                {
                    // A tab before the first visible character of a line that has one (tab-only blank lines are harmless).
                    if (line.Trim().Length > 0 && !line.TrimStart(' ', '\t').StartsWith("#", StringComparison.Ordinal))
                        return new SourcePosition(i + 1, c + 1);
                }
                break;
            }
        }
        return null;
    }

    private readonly struct Opener
    {
        public Opener(char bracket, SourcePosition position) { Bracket = bracket; Position = position; }
        public char Bracket { get; }
        public SourcePosition Position { get; }
    }

    public readonly struct Closer
    {
        public Closer(char ch, int line, int column) { Char = ch; Line = line; Column = column; }
        public char Char { get; }
        public int Line { get; }
        public int Column { get; }
        public override string ToString() => Char.ToString();
    }

    /// <summary>The innermost flow bracket still open at a mismatched closer or at the end of the text.</summary>
    private static Opener? UnclosedBracket(string[] lines, out Closer? mismatch)
    {
        mismatch = null;
        var stack = new List<Opener>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            bool valueStart = true; // at a place where a flow collection may begin (line start, after ': ', '- ', inside flow)
            for (int c = 0; c < line.Length; c++)
            {
                char ch = line[c];
                if (ch == '#' && (c == 0 || line[c - 1] == ' ' || line[c - 1] == '\t')) break; // comment
                if (ch == '"' || ch == '\'')
                {
                    if (!valueStart && stack.Count == 0) continue; // a quote inside a plain scalar
                    c = SkipQuoted(line, c);
                    valueStart = false;
                    continue;
                }
                bool inFlow = stack.Count > 0;
                if ((ch == '[' || ch == '{') && (valueStart || inFlow))
                {
                    stack.Add(new Opener(ch, new SourcePosition(i + 1, c + 1)));
                    valueStart = true;
                    continue;
                }
                if ((ch == ']' || ch == '}') && inFlow)
                {
                    var top = stack[stack.Count - 1];
                    if ((ch == ']') != (top.Bracket == '['))
                    {
                        mismatch = new Closer(ch, i + 1, c + 1);
                        return top;
                    }
                    stack.RemoveAt(stack.Count - 1);
                    valueStart = false;
                    continue;
                }
                if (ch == ' ' || ch == '\t') continue;
                if (ch == ',' && inFlow) { valueStart = true; continue; }
                if (ch == ':' && (c + 1 == line.Length || line[c + 1] == ' ')) { valueStart = true; continue; }
                if (ch == '-' && valueStart && !inFlow && (c + 1 == line.Length || line[c + 1] == ' ')) continue;
                if (ch == '?' && valueStart) continue;
                valueStart = false;
            }
        }
        return stack.Count > 0 ? stack[stack.Count - 1] : (Opener?)null;
    }

    private static int SkipQuoted(string line, int start)
    {
        char q = line[start];
        for (int c = start + 1; c < line.Length; c++)
        {
            if (q == '"' && line[c] == '\\') { c++; continue; }
            if (line[c] == q)
            {
                if (q == '\'' && c + 1 < line.Length && line[c + 1] == '\'') { c++; continue; }
                return c;
            }
        }
        return line.Length; // unclosed on this line (a multi-line quoted scalar): skip the rest
    }
}
