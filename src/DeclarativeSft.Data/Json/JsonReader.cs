using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace DeclarativeSft.Data.Json;

/// <summary>Why a JSON text could not be read, and where (character offset).</summary>
public sealed class JsonError
{
    public JsonError(string message, int offset) { Message = message; Offset = offset; }
    public string Message { get; }
    public int Offset { get; }
}

/// <summary>
/// A small strict JSON reader (RFC 8259) over a slice of a string, keeping value offsets. Hand-written because
/// the validator runs inside the compiler (netstandard2.0, no extra analyzer dependencies) and must read a
/// 100k-line JSONL quickly without allocating substrings per line. Never throws on bad input.
/// </summary>
public sealed class JsonReader
{
    /// <summary>The nesting limit, the one limit of every data line, at build and run time.</summary>
    public const int MaxDepth = 256;
    private readonly string _s;
    private readonly int _end;
    private int _i;
    private readonly StringBuilder _sb = new();

    private JsonReader(string s, int start, int end) { _s = s; _i = start; _end = end; }

    /// <summary>Parses the whole of <paramref name="text"/>.</summary>
    public static JsonNode? Parse(string text, out JsonError? error) => Parse(text, 0, text.Length, out error);

    /// <summary>Parses <paramref name="text"/>[start, end); offsets in the result are relative to <paramref name="text"/>.</summary>
    public static JsonNode? Parse(string text, int start, int end, out JsonError? error)
    {
        var reader = new JsonReader(text, start, end);
        error = null;
        try
        {
            reader.SkipSpace();
            var value = reader.ReadValue(0);
            reader.SkipSpace();
            if (reader._i < reader._end) throw reader.Fail("unexpected text after the JSON value");
            return value;
        }
        catch (JsonFailure f)
        {
            error = new JsonError(f.Message, f.Offset);
            return null;
        }
    }

    private sealed class JsonFailure : Exception
    {
        public JsonFailure(string message, int offset) : base(message) => Offset = offset;
        public int Offset { get; }
    }

    private JsonFailure Fail(string message) => new(message, Math.Min(_i, Math.Max(0, _end)));

    private void SkipSpace()
    {
        while (_i < _end)
        {
            char c = _s[_i];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') _i++;
            else if (c == '\uFEFF' && _i == 0) _i++;
            else break;
        }
    }

    private JsonNode ReadValue(int depth)
    {
        if (depth > MaxDepth) throw Fail("nested deeper than " + MaxDepth);
        if (_i >= _end) throw Fail("unexpected end of the line; the JSON value is incomplete");
        char c = _s[_i];
        switch (c)
        {
            case '{': return ReadObject(depth);
            case '[': return ReadArray(depth);
            case '"': { int at = _i; return new JsonNode(JsonKind.String, at) { Text = ReadString() }; }
            case 't': return ReadWord("true", JsonKind.True);
            case 'f': return ReadWord("false", JsonKind.False);
            case 'n': return ReadWord("null", JsonKind.Null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber();
                throw Fail($"unexpected character '{Printable(c)}'");
        }
    }

    private JsonNode ReadObject(int depth)
    {
        var node = new JsonNode(JsonKind.Object, _i) { Members = new List<KeyValuePair<string, JsonNode>>() };
        _i++;
        SkipSpace();
        if (_i < _end && _s[_i] == '}') { _i++; return node; }
        while (true)
        {
            SkipSpace();
            if (_i >= _end || _s[_i] != '"') throw Fail("expected a quoted member name");
            var name = ReadString();
            SkipSpace();
            if (_i >= _end || _s[_i] != ':') throw Fail($"expected ':' after \"{name}\"");
            _i++;
            SkipSpace();
            node.Members!.Add(new KeyValuePair<string, JsonNode>(name, ReadValue(depth + 1)));
            SkipSpace();
            if (_i >= _end) throw Fail("unexpected end of the line; missing '}'");
            if (_s[_i] == ',') { _i++; continue; }
            if (_s[_i] == '}') { _i++; return node; }
            throw Fail($"expected ',' or '}}' but found '{Printable(_s[_i])}'");
        }
    }

    private JsonNode ReadArray(int depth)
    {
        var node = new JsonNode(JsonKind.Array, _i) { Items = new List<JsonNode>() };
        _i++;
        SkipSpace();
        if (_i < _end && _s[_i] == ']') { _i++; return node; }
        while (true)
        {
            SkipSpace();
            node.Items!.Add(ReadValue(depth + 1));
            SkipSpace();
            if (_i >= _end) throw Fail("unexpected end of the line; missing ']'");
            if (_s[_i] == ',') { _i++; continue; }
            if (_s[_i] == ']') { _i++; return node; }
            throw Fail($"expected ',' or ']' but found '{Printable(_s[_i])}'");
        }
    }

    private string ReadString()
    {
        _i++; // opening quote
        int start = _i;
        // Fast path: no escapes.
        while (_i < _end)
        {
            char c = _s[_i];
            if (c == '"') { var plain = _s.Substring(start, _i - start); _i++; return plain; }
            if (c == '\\') break;
            if (c < ' ') throw Fail("control character inside a string (escape it as \\n, \\t, …)");
            _i++;
        }
        _sb.Clear();
        _sb.Append(_s, start, _i - start);
        while (_i < _end)
        {
            char c = _s[_i++];
            if (c == '"') return _sb.ToString();
            if (c < ' ') { _i--; throw Fail("control character inside a string (escape it as \\n, \\t, …)"); }
            if (c != '\\') { _sb.Append(c); continue; }
            if (_i >= _end) break;
            char e = _s[_i++];
            switch (e)
            {
                case '"': _sb.Append('"'); break;
                case '\\': _sb.Append('\\'); break;
                case '/': _sb.Append('/'); break;
                case 'b': _sb.Append('\b'); break;
                case 'f': _sb.Append('\f'); break;
                case 'n': _sb.Append('\n'); break;
                case 'r': _sb.Append('\r'); break;
                case 't': _sb.Append('\t'); break;
                case 'u':
                    if (_i + 4 > _end || !int.TryParse(_s.Substring(_i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
                        throw Fail("bad \\u escape (needs 4 hex digits)");
                    if (code >= 0xD800 && code <= 0xDFFF)
                    {
                        // A surrogate escape must be a high-low pair (\ud83d\ude00); alone it is not text (UTF-8 cannot encode it).
                        bool high = code <= 0xDBFF;
                        int low = -1;
                        if (high && _i + 10 <= _end && _s[_i + 4] == '\\' && _s[_i + 5] == 'u'
                            && int.TryParse(_s.Substring(_i + 6, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int next))
                            low = next;
                        if (!high || low < 0xDC00 || low > 0xDFFF)
                        {
                            _i -= 2;
                            throw Fail($"lone surrogate escape '\\u{_s.Substring(_i + 2, 4)}' is not a character (only a pair such as \\ud83d\\ude00 is); fix the text that produced it");
                        }
                        _sb.Append((char)code).Append((char)low);
                        _i += 10;
                        break;
                    }
                    _sb.Append((char)code);
                    _i += 4;
                    break;
                default: _i--; throw Fail($"bad escape '\\{Printable(e)}'");
            }
        }
        throw Fail("unterminated string");
    }

    private JsonNode ReadWord(string word, JsonKind kind)
    {
        int at = _i;
        if (_i + word.Length > _end || string.CompareOrdinal(_s, _i, word, 0, word.Length) != 0)
            throw Fail($"unexpected character '{Printable(_s[_i])}' (strings need double quotes)");
        _i += word.Length;
        return new JsonNode(kind, at);
    }

    private JsonNode ReadNumber()
    {
        int at = _i;
        if (_s[_i] == '-') _i++;
        int digits = _i;
        while (_i < _end && char.IsDigit(_s[_i])) _i++;
        if (_i == digits) throw Fail("a number needs digits");
        if (_i < _end && _s[_i] == '.')
        {
            _i++;
            int frac = _i;
            while (_i < _end && char.IsDigit(_s[_i])) _i++;
            if (_i == frac) throw Fail("a number needs digits after '.'");
        }
        if (_i < _end && (_s[_i] == 'e' || _s[_i] == 'E'))
        {
            _i++;
            if (_i < _end && (_s[_i] == '+' || _s[_i] == '-')) _i++;
            int exp = _i;
            while (_i < _end && char.IsDigit(_s[_i])) _i++;
            if (_i == exp) throw Fail("a number needs digits in its exponent");
        }
        return new JsonNode(JsonKind.Number, at) { Text = _s.Substring(at, _i - at) };
    }

    private static string Printable(char c) => c < ' ' ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString();
}
