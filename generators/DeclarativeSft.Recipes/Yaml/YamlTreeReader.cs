using System;
using System.Collections.Generic;
using System.IO;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace DeclarativeSft.Recipes.Yaml;

/// <summary>
/// Reads YAML text into a <see cref="YamlNode"/> tree that keeps every node's line and column, using YamlDotNet's
/// event parser. Never throws: syntax errors come back as a message and position.
/// </summary>
public static class YamlTreeReader
{
    /// <summary>Deeper nesting than this is rejected (a recipe is at most 4 levels deep).</summary>
    public const int MaxDepth = 64;

    /// <summary>Result of reading: the root (null when empty or broken) and the first syntax error, if any.</summary>
    public sealed class Result
    {
        public YamlNode? Root { get; internal set; }
        public string? Error { get; internal set; }
        public SourcePosition ErrorPosition { get; internal set; }
    }

    /// <summary>Parses <paramref name="text"/>; only the first document is read.</summary>
    public static Result Read(string text)
    {
        var result = new Result();
        try
        {
            var parser = new Parser(new StringReader(text));
            var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _)) return result;
            parser.Consume<DocumentStart>();
            result.Root = ReadNode(parser, anchors, 0);
        }
        catch (YamlException ex)
        {
            result.Root = null;
            result.Error = Clean(ex.Message);
            result.ErrorPosition = new SourcePosition(Math.Max(1, (int)ex.Start.Line), Math.Max(1, (int)ex.Start.Column));
            Refine(text, result, positionKnown: ex.Start.Line > 1 || ex.Start.Column > 1); // (1,1) is also YamlDotNet's "somewhere"
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet's parser state machine failing (e.g. "Operation is not valid due to the current state of the
            // object" for a flow collection left open): its words mean nothing to a recipe author.
            result.Root = null;
            result.Error = "the file ends inside an unfinished YAML structure (an unclosed '[', '{' or quote?)";
            result.ErrorPosition = new SourcePosition(Math.Max(1, text.Split('\n').Length), 1);
            Refine(text, result, positionKnown: false);
        }
        return result;
    }

    private static YamlNode ReadNode(IParser parser, Dictionary<string, YamlNode> anchors, int depth)
    {
        var ev = parser.Current ?? throw new YamlException("unexpected end of the file");
        var position = new SourcePosition((int)ev.Start.Line, (int)ev.Start.Column);
        if (depth > MaxDepth)
            throw new YamlException(ev.Start, ev.End, $"nesting deeper than {MaxDepth} levels");

        switch (ev)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                if (!anchors.TryGetValue(alias.Value.Value, out var target))
                    throw new YamlException(ev.Start, ev.End, $"alias *{alias.Value.Value} refers to no anchor");
                return target;

            case Scalar scalar:
            {
                parser.MoveNext();
                int length = (int)(scalar.End.Line == scalar.Start.Line ? scalar.End.Column - scalar.Start.Column : 1);
                var node = new YamlScalar(position, scalar.Value, scalar.Style == ScalarStyle.Plain, Math.Max(1, length));
                Remember(anchors, scalar.Anchor, node);
                return node;
            }

            case SequenceStart start:
            {
                parser.MoveNext();
                var items = new List<YamlNode>();
                while (!parser.Accept<SequenceEnd>(out _))
                    items.Add(ReadNode(parser, anchors, depth + 1));
                parser.MoveNext();
                var node = new YamlSequence(position, items);
                Remember(anchors, start.Anchor, node);
                return node;
            }

            case MappingStart start:
            {
                parser.MoveNext();
                var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
                while (!parser.Accept<MappingEnd>(out _))
                {
                    var keyNode = ReadNode(parser, anchors, depth + 1);
                    if (keyNode is not YamlScalar key)
                        throw new YamlException(new Mark(0, keyNode.Position.Line, keyNode.Position.Column), new Mark(0, keyNode.Position.Line, keyNode.Position.Column),
                            "a key must be a plain name, not " + keyNode.Describe());
                    var value = ReadNode(parser, anchors, depth + 1);
                    entries.Add(new KeyValuePair<YamlScalar, YamlNode>(key, value));
                }
                parser.MoveNext();
                var node = new YamlMapping(position, entries);
                Remember(anchors, start.Anchor, node);
                return node;
            }

            default:
                throw new YamlException(ev.Start, ev.End, "unexpected " + ev.GetType().Name);
        }
    }

    private static void Refine(string text, Result result, bool positionKnown)
    {
        try
        {
            if (YamlErrorHints.Explain(text, result.ErrorPosition, positionKnown) is { } hint)
            {
                result.Error = hint.Message;
                result.ErrorPosition = hint.Position;
            }
        }
        catch (Exception)
        {
            // a hint is a nicety: keep the parser's own report
        }
    }

    private static void Remember(Dictionary<string, YamlNode> anchors, AnchorName anchor, YamlNode node)
    {
        if (!anchor.IsEmpty) anchors[anchor.Value] = node;
    }

    // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: …) - (…): "; the position is reported separately.
    private static string Clean(string message)
    {
        int i = message.LastIndexOf("): ", StringComparison.Ordinal);
        var text = i >= 0 && message.StartsWith("(", StringComparison.Ordinal) ? message.Substring(i + 3) : message;
        return text.TrimEnd('.', ' ');
    }
}
