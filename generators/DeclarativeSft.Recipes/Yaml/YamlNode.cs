using System.Collections.Generic;

namespace DeclarativeSft.Recipes.Yaml;

/// <summary>A YAML node with the position where it starts (1-based). Read-only tree used only while parsing.</summary>
public abstract class YamlNode
{
    protected YamlNode(SourcePosition position) => Position = position;

    /// <summary>Where the node starts.</summary>
    public SourcePosition Position { get; }

    /// <summary>What the node is, for messages: "a mapping", "a list", "the text 'x'".</summary>
    public abstract string Describe();
}

/// <summary>A scalar. <see cref="IsPlain"/> is false for quoted or block scalars (never null/bool/number).</summary>
public sealed class YamlScalar : YamlNode
{
    public YamlScalar(SourcePosition position, string value, bool isPlain, int length) : base(position)
    {
        Value = value;
        IsPlain = isPlain;
        Length = length;
    }

    public string Value { get; }
    public bool IsPlain { get; }

    /// <summary>Characters the scalar spans on its first line (for underlining).</summary>
    public int Length { get; }

    /// <summary>True for an explicit or implicit null (<c>~</c>, <c>null</c>, empty).</summary>
    public bool IsNull => IsPlain && (Value.Length == 0 || Value == "~" || Value == "null" || Value == "Null" || Value == "NULL");

    public override string Describe() =>
        IsNull ? "null" : IsPlain ? $"'{Shorten(Value)}'" : $"the text \"{Shorten(Value)}\"";

    private static string Shorten(string s) => s.Length <= 40 ? s : s.Substring(0, 37) + "...";
}

/// <summary>A sequence.</summary>
public sealed class YamlSequence : YamlNode
{
    public YamlSequence(SourcePosition position, IReadOnlyList<YamlNode> items) : base(position) => Items = items;

    public IReadOnlyList<YamlNode> Items { get; }

    public override string Describe() => "a list";
}

/// <summary>A mapping; keys keep their order and duplicates (the parser reports them).</summary>
public sealed class YamlMapping : YamlNode
{
    public YamlMapping(SourcePosition position, IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> entries) : base(position) => Entries = entries;

    public IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries { get; }

    public override string Describe() => "a mapping";
}
