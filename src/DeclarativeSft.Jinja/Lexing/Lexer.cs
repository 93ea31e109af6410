using System.Globalization;
using System.Text;
using DeclarativeSft.Jinja.Runtime;

namespace DeclarativeSft.Jinja.Lexing;

/// <summary>
/// Splits a template into tokens the way Python Jinja2's lexer does with the options transformers uses for chat
/// templates: newlines normalised to \n, one trailing newline dropped, <c>trim_blocks</c> and <c>lstrip_blocks</c>,
/// and the <c>-</c>/<c>+</c> whitespace modifiers on tags.
/// </summary>
internal sealed class Lexer
{
    private readonly string _src;
    private readonly bool _trimBlocks;
    private readonly bool _lstripBlocks;
    private readonly List<Token> _tokens = new();
    private int _pos;
    private readonly int[] _lineStarts;

    private Lexer(string source, bool trimBlocks, bool lstripBlocks)
    {
        _src = Normalize(source);
        _trimBlocks = trimBlocks;
        _lstripBlocks = lstripBlocks;
        var starts = new List<int> { 0 };
        for (int i = 0; i < _src.Length; i++) if (_src[i] == '\n') starts.Add(i + 1);
        _lineStarts = starts.ToArray();
    }

    public static List<Token> Tokenize(string source, bool trimBlocks, bool lstripBlocks) =>
        new Lexer(source, trimBlocks, lstripBlocks).Run();

    // Jinja splits on every newline form and rejoins with \n, dropping a single trailing newline.
    private static string Normalize(string source)
    {
        string s = source.IndexOf('\r') >= 0 ? source.Replace("\r\n", "\n").Replace('\r', '\n') : source;
        return s.EndsWith('\n') ? s[..^1] : s;
    }

    private (int Line, int Column) Position(int offset)
    {
        int idx = Array.BinarySearch(_lineStarts, offset);
        if (idx < 0) idx = ~idx - 1;
        return (idx + 1, offset - _lineStarts[idx] + 1);
    }

    private JinjaException Error(string message, int offset)
    {
        var (line, col) = Position(offset);
        return new JinjaException(message, line, col);
    }

    private void Add(TokenKind kind, string value, int offset)
    {
        var (line, col) = Position(offset);
        _tokens.Add(new Token(kind, value, line, col));
    }

    private List<Token> Run()
    {
        bool lineStarting = true;
        while (_pos < _src.Length)
        {
            int tag = FindTagStart(_pos);
            if (tag < 0)
            {
                Add(TokenKind.Text, _src[_pos..], _pos);
                _pos = _src.Length;
                break;
            }

            char kind = _src[tag + 1];
            char sign = tag + 2 < _src.Length && (_src[tag + 2] == '-' || _src[tag + 2] == '+') ? _src[tag + 2] : '\0';
            string text = _src[_pos..tag];
            if (sign == '-')
            {
                text = PyText.RStrip(text);
            }
            else if (sign != '+' && _lstripBlocks && kind != '{')
            {
                int lpos = text.LastIndexOf('\n') + 1;
                if ((lpos > 0 || lineStarting) && lpos < text.Length && IsAllWhitespace(text, lpos))
                    text = text[..lpos];
            }
            if (text.Length > 0) Add(TokenKind.Text, text, _pos);

            int bodyStart = tag + 2 + (sign != '\0' ? 1 : 0);
            if (kind == '#')
            {
                lineStarting = LexComment(tag, bodyStart);
            }
            else if (kind == '%' && TryLexRaw(tag, bodyStart, out bool rawLineStarting))
            {
                lineStarting = rawLineStarting;
            }
            else
            {
                Add(kind == '%' ? TokenKind.BlockBegin : TokenKind.VariableBegin, kind == '%' ? "{%" : "{{", tag);
                _pos = bodyStart;
                lineStarting = LexTagBody(kind == '%' ? '%' : '}', tag);
            }
        }
        Add(TokenKind.Eof, "", _src.Length);
        return _tokens;
    }

    private static bool IsAllWhitespace(string s, int from)
    {
        for (int i = from; i < s.Length; i++) if (!PyText.IsSpace(s[i])) return false;
        return true;
    }

    private int FindTagStart(int from)
    {
        int i = from;
        while (true)
        {
            i = _src.IndexOf('{', i);
            if (i < 0 || i + 1 >= _src.Length) return -1;
            char c = _src[i + 1];
            if (c == '{' || c == '%' || c == '#') return i;
            i++;
        }
    }

    /// <summary>Consumes what follows a closing tag per the whitespace rules; returns Jinja's "line starting" flag.</summary>
    private bool AfterTagEnd(int endOfTag, bool minus, bool plus, bool isBlockOrComment)
    {
        _pos = endOfTag;
        if (minus)
        {
            int start = _pos;
            while (_pos < _src.Length && PyText.IsSpace(_src[_pos])) _pos++;
            return _pos > start && _src[_pos - 1] == '\n';
        }
        if (isBlockOrComment && _trimBlocks && !plus && _pos < _src.Length && _src[_pos] == '\n')
        {
            _pos++;
            return true;
        }
        return false;
    }

    private bool LexComment(int tag, int bodyStart)
    {
        int end = _src.IndexOf("#}", bodyStart, StringComparison.Ordinal);
        if (end < 0) throw Error("Missing end of comment tag '#}'", tag);
        bool minus = end > bodyStart && _src[end - 1] == '-';
        bool plus = end > bodyStart && _src[end - 1] == '+';
        return AfterTagEnd(end + 2, minus, plus, isBlockOrComment: true);
    }

    // {% raw %}...{% endraw %}: everything between is text.
    private bool TryLexRaw(int tag, int bodyStart, out bool lineStarting)
    {
        lineStarting = false;
        int p = bodyStart;
        while (p < _src.Length && PyText.IsSpace(_src[p])) p++;
        if (string.CompareOrdinal(_src, p, "raw", 0, 3) != 0) return false;
        p += 3;
        if (p < _src.Length && (char.IsLetterOrDigit(_src[p]) || _src[p] == '_')) return false;
        while (p < _src.Length && PyText.IsSpace(_src[p])) p++;
        bool minusOpen = p < _src.Length && _src[p] == '-';
        if (minusOpen || (p < _src.Length && _src[p] == '+')) p++;
        if (string.CompareOrdinal(_src, p, "%}", 0, 2) != 0) return false;
        int contentStart = p + 2;
        if (minusOpen) while (contentStart < _src.Length && PyText.IsSpace(_src[contentStart])) contentStart++;
        else if (_trimBlocks && contentStart < _src.Length && _src[contentStart] == '\n') contentStart++;

        int search = contentStart;
        while (true)
        {
            int open = _src.IndexOf("{%", search, StringComparison.Ordinal);
            if (open < 0) throw Error("Missing '{% endraw %}' for '{% raw %}'", tag);
            int q = open + 2;
            bool minus = q < _src.Length && _src[q] == '-';
            if (minus || (q < _src.Length && _src[q] == '+')) q++;
            while (q < _src.Length && PyText.IsSpace(_src[q])) q++;
            if (string.CompareOrdinal(_src, q, "endraw", 0, 6) == 0)
            {
                q += 6;
                while (q < _src.Length && PyText.IsSpace(_src[q])) q++;
                bool minusClose = q < _src.Length && _src[q] == '-';
                bool plusClose = q < _src.Length && _src[q] == '+';
                if (minusClose || plusClose) q++;
                if (string.CompareOrdinal(_src, q, "%}", 0, 2) == 0)
                {
                    string content = _src[contentStart..open];
                    if (minus) content = PyText.RStrip(content);
                    if (content.Length > 0) Add(TokenKind.Text, content, contentStart);
                    lineStarting = AfterTagEnd(q + 2, minusClose, plusClose, isBlockOrComment: true);
                    return true;
                }
            }
            search = open + 2;
        }
    }

    /// <summary>Lexes the inside of {{ }} or {% %} up to and including the closing tag.</summary>
    private bool LexTagBody(char closer, int tagStart)
    {
        int depth = 0;
        var endKind = closer == '%' ? TokenKind.BlockEnd : TokenKind.VariableEnd;
        string endText = closer == '%' ? "%}" : "}}";
        while (true)
        {
            while (_pos < _src.Length && PyText.IsSpace(_src[_pos])) _pos++;
            if (_pos >= _src.Length)
                throw Error($"Unexpected end of template: missing '{endText}' for the tag opened here", tagStart);

            char c = _src[_pos];
            if (depth == 0)
            {
                if ((c == '-' || c == '+') && string.CompareOrdinal(_src, _pos + 1, endText, 0, 2) == 0)
                {
                    Add(endKind, endText, _pos);
                    return AfterTagEnd(_pos + 3, c == '-', c == '+', closer == '%');
                }
                if (string.CompareOrdinal(_src, _pos, endText, 0, 2) == 0)
                {
                    Add(endKind, endText, _pos);
                    return AfterTagEnd(_pos + 2, false, false, closer == '%');
                }
            }

            int start = _pos;
            if (c == '\'' || c == '"')
            {
                Add(TokenKind.String, ReadString(c), start);
                continue;
            }
            if (c >= '0' && c <= '9')
            {
                ReadNumber(start);
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                while (_pos < _src.Length && (char.IsLetterOrDigit(_src[_pos]) || _src[_pos] == '_')) _pos++;
                Add(TokenKind.Name, _src[start.._pos], start);
                continue;
            }
            string? op = MatchOperator();
            if (op is null) throw Error($"Unexpected character '{c}' inside a tag", start);
            if (op is "(" or "[" or "{") depth++;
            else if (op is ")" or "]" or "}")
            {
                if (depth == 0) throw Error($"Unexpected '{op}'", start);
                depth--;
            }
            _pos += op.Length;
            Add(TokenKind.Operator, op, start);
        }
    }

    private static readonly string[] Operators =
    {
        "//", "**", "==", "!=", ">=", "<=",
        "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";",
    };

    private string? MatchOperator()
    {
        foreach (var op in Operators)
            if (string.CompareOrdinal(_src, _pos, op, 0, op.Length) == 0) return op;
        return null;
    }

    private void ReadNumber(int start)
    {
        while (_pos < _src.Length && (char.IsAsciiDigit(_src[_pos]) || _src[_pos] == '_')) _pos++;
        bool isFloat = false;
        // A '.' only makes a float when a digit follows (so `x.0.y` style attribute access keeps working).
        if (_pos + 1 < _src.Length && _src[_pos] == '.' && char.IsAsciiDigit(_src[_pos + 1])
            && !(_tokens.Count > 0 && _tokens[^1].IsOperator(".")))
        {
            isFloat = true;
            _pos++;
            while (_pos < _src.Length && (char.IsAsciiDigit(_src[_pos]) || _src[_pos] == '_')) _pos++;
        }
        if (_pos < _src.Length && (_src[_pos] == 'e' || _src[_pos] == 'E'))
        {
            int p = _pos + 1;
            if (p < _src.Length && (_src[p] == '+' || _src[p] == '-')) p++;
            if (p < _src.Length && char.IsAsciiDigit(_src[p]))
            {
                isFloat = true;
                _pos = p;
                while (_pos < _src.Length && char.IsAsciiDigit(_src[_pos])) _pos++;
            }
        }
        string text = _src[start.._pos].Replace("_", "");
        Add(isFloat ? TokenKind.Float : TokenKind.Integer, text, start);
    }

    // Python string-literal unescaping: known escapes are decoded, unknown ones are kept verbatim.
    private string ReadString(char quote)
    {
        int start = _pos;
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _src.Length) throw Error("Unterminated string literal", start);
            char c = _src[_pos];
            if (c == quote) { _pos++; return sb.ToString(); }
            if (c != '\\') { sb.Append(c); _pos++; continue; }
            if (_pos + 1 >= _src.Length) throw Error("Unterminated string literal", start);
            char e = _src[_pos + 1];
            _pos += 2;
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case 'a': sb.Append('\a'); break;
                case '0': sb.Append('\0'); break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case '\n': break;
                case 'x': sb.Append(ReadHexEscape(2, start)); break;
                case 'u': sb.Append(ReadHexEscape(4, start)); break;
                case 'U': sb.Append(ReadHexEscape(8, start)); break;
                default: sb.Append('\\').Append(e); break;
            }
        }
    }

    private string ReadHexEscape(int digits, int literalStart)
    {
        if (_pos + digits > _src.Length || !int.TryParse(_src.AsSpan(_pos, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int cp))
            throw Error("Invalid hexadecimal escape in string literal", literalStart);
        _pos += digits;
        return char.ConvertFromUtf32(cp);
    }
}
