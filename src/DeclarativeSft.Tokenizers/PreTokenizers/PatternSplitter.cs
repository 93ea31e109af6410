using System.Text.RegularExpressions;

namespace DeclarativeSft.Tokenizers.PreTokenizers;

/// <summary>
/// A Split pre-tokenizer whose pattern has no hand-written matcher: a literal string, or a regex run by .NET
/// (patterns are translated from Oniguruma syntax by <see cref="OnigurumaTranslator"/>; .NET matches UTF-16
/// units, so classes like <c>\p{L}</c> do not see astral letters — the known patterns avoid this path).
/// </summary>
internal sealed class PatternSplitter : PreTokenSplitter
{
    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly SplitBehavior _behavior;
    private readonly bool _invert;
    private readonly string _file;
    private readonly string _pattern;

    /// <param name="file">The tokenizer.json, named (with <paramref name="pattern"/>) when the regex times out.</param>
    public PatternSplitter(string? literal, Regex? regex, SplitBehavior behavior, bool invert, string file = "tokenizer.json", string? pattern = null)
    {
        _file = file;
        _pattern = pattern ?? regex?.ToString() ?? literal ?? "";
        _literal = literal;
        _regex = regex;
        _behavior = behavior;
        _invert = invert;
    }

    public override void Split(ReadOnlySpan<char> text, int start, int end, List<PieceRange> output)
    {
        var matches = FindMatches(text[start..end]);
        if (_invert)
        {
            // As in Hugging Face's JS implementation: with invert, the matches themselves are the pieces.
            foreach (var (ms, me) in matches)
                if (me > ms) output.Add(new PieceRange(start + ms, start + me));
            return;
        }

        var length = end - start;
        var previous = 0; // end of the last emitted text
        var pendingStart = -1; // MergedWithNext: start of a delimiter waiting for the text after it
        for (var k = 0; k < matches.Count; k++)
        {
            var (ms, me) = matches[k];
            switch (_behavior)
            {
                case SplitBehavior.Removed:
                    Add(output, start, previous, ms);
                    break;
                case SplitBehavior.Isolated:
                    Add(output, start, previous, ms);
                    Add(output, start, ms, me);
                    break;
                case SplitBehavior.Contiguous:
                    Add(output, start, previous, ms);
                    while (k + 1 < matches.Count && matches[k + 1].Start == me) me = matches[++k].End;
                    Add(output, start, ms, me);
                    break;
                case SplitBehavior.MergedWithPrevious:
                    Add(output, start, previous, me);
                    break;
                case SplitBehavior.MergedWithNext:
                    Add(output, start, pendingStart >= 0 ? pendingStart : previous, ms);
                    pendingStart = ms;
                    previous = me;
                    continue;
            }
            previous = me;
        }
        var tailStart = _behavior == SplitBehavior.MergedWithNext && pendingStart >= 0 ? pendingStart : previous;
        Add(output, start, tailStart, length);
    }

    private static void Add(List<PieceRange> output, int offset, int s, int e)
    {
        if (e > s) output.Add(new PieceRange(offset + s, offset + e));
    }

    private List<(int Start, int End)> FindMatches(ReadOnlySpan<char> s)
    {
        var result = new List<(int, int)>();
        if (_literal is not null)
        {
            if (_literal.Length == 0) return result;
            var k = 0;
            while (k <= s.Length - _literal.Length)
            {
                var hit = s[k..].IndexOf(_literal.AsSpan(), StringComparison.Ordinal);
                if (hit < 0) break;
                result.Add((k + hit, k + hit + _literal.Length));
                k += hit + _literal.Length;
            }
            return result;
        }
        try
        {
#if NET
            foreach (var m in _regex!.EnumerateMatches(s))
                if (m.Length > 0) result.Add((m.Index, m.Index + m.Length));
#else
            // netstandard2.0 (the generator) has no span matching: match the piece as a string.
            for (var m = _regex!.Match(s.ToString()); m.Success; m = m.NextMatch())
                if (m.Length > 0) result.Add((m.Index, m.Index + m.Length));
#endif
        }
        catch (RegexMatchTimeoutException e)
        {
            throw TokenizerRegex.TimedOut(_file, "pre-tokenizer", _pattern, s.Length, e);
        }
        return result;
    }
}
