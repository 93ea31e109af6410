using System.Text.RegularExpressions;
using DeclarativeSft.Tokenizers.PreTokenizers;
using DeclarativeSft.Tokenizers.Text;

namespace DeclarativeSft.Tokenizers.Normalizers;

/// <summary><c>{"type": "Replace", "pattern": {"String"|"Regex": ...}, "content": ...}</c>. Each replacement's
/// characters map to the range of the text it replaced.</summary>
internal sealed class ReplaceNormalizer : TextNormalizer
{
    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly string _content;
    private readonly string _file;
    private readonly string _pattern;

    public ReplaceNormalizer(string? literal, Regex? regex, string content, string file = "tokenizer.json", string? pattern = null)
    {
        _file = file;
        _pattern = pattern ?? regex?.ToString() ?? "";
        _literal = literal;
        _regex = regex;
        _content = content;
    }

    public override bool LeavesUnchanged(ReadOnlySpan<char> text) =>
        _literal is not null && (_literal.Length == 0 || !text.Contains(_literal.AsSpan(), StringComparison.Ordinal));

    public override AlignedText Normalize(AlignedText source, AlignedText spare)
    {
        spare.Clear();
        var chars = source.Chars;
        if (_literal is not null)
        {
            if (_literal.Length == 0) return source;
            var k = 0;
            while (k < chars.Length)
            {
                var hit = chars[k..].IndexOf(_literal.AsSpan(), StringComparison.Ordinal);
                var stop = hit < 0 ? chars.Length : k + hit;
                for (; k < stop; k++) spare.AppendFrom(source, k);
                if (hit < 0) break;
                AppendReplacement(source, spare, k, k + _literal.Length);
                k += _literal.Length;
            }
            return spare;
        }

        var text = chars.ToString();
        var last = 0;
        try
        {
            foreach (Match m in _regex!.Matches(text))
            {
                for (; last < m.Index; last++) spare.AppendFrom(source, last);
                if (m.Length == 0) continue;
                AppendReplacement(source, spare, m.Index, m.Index + m.Length);
                last = m.Index + m.Length;
            }
        }
        catch (RegexMatchTimeoutException e)
        {
            throw TokenizerRegex.TimedOut(_file, "normalizer Replace", _pattern, text.Length, e);
        }
        for (; last < text.Length; last++) spare.AppendFrom(source, last);
        return spare;
    }

    private void AppendReplacement(AlignedText source, AlignedText spare, int start, int end)
    {
        var (s, e) = source.MapRange(start, end);
        spare.Append(_content, s, e);
    }
}
