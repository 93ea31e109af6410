using System.Text;

namespace DeclarativeSft.Generators;

/// <summary>Indented text builder for generated C#.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _sb = new();
    private int _indent;

    public void Line(string text = "")
    {
        if (text.Length > 0) _sb.Append(' ', _indent * 4).Append(text);
        _sb.Append('\n');
    }

    public void Open() { Line("{"); _indent++; }

    public void Close() { _indent--; Line("}"); }

    /// <summary>One level deeper / shallower without braces (continued expressions).</summary>
    public void Indent() => _indent++;
    public void Dedent() => _indent--;

    public override string ToString() => _sb.ToString();
}
