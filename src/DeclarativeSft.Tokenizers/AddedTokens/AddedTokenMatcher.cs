using System.Buffers;
using System.Globalization;

namespace DeclarativeSft.Tokenizers.AddedTokens;

/// <summary>
/// Splits text on added tokens before anything else sees it: at the leftmost position where any token matches,
/// the longest one wins (the rule of Hugging Face's implementations), honouring <c>single_word</c>,
/// <c>lstrip</c> and <c>rstrip</c>. A trie keyed by character finds matches; a vectorized search for the
/// tokens' first characters skips ordinary text quickly.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly List<Dictionary<char, int>> _children = new() { new Dictionary<char, int>() };
    private readonly List<AddedToken?> _terminal = new() { null };
#if NET
    private readonly SearchValues<char> _firstChars;
#else
    private readonly char[] _firstChars; // netstandard2.0 (the generator): no SearchValues
#endif

    public AddedTokenMatcher(IEnumerable<AddedToken> tokens)
    {
        var first = new HashSet<char>();
        foreach (var token in tokens)
        {
            if (token.Content.Length == 0) continue;
            first.Add(token.Content[0]);
            var node = 0;
            foreach (var c in token.Content)
            {
                if (!_children[node].TryGetValue(c, out var child))
                {
                    child = _children.Count;
                    _children.Add(new Dictionary<char, int>());
                    _terminal.Add(null);
                    _children[node][c] = child;
                }
                node = child;
            }
            _terminal[node] ??= token; // the first entry with a given content wins, as in a dictionary
        }
#if NET
        _firstChars = SearchValues.Create(first.ToArray());
#else
        _firstChars = first.ToArray();
#endif
        IsEmpty = first.Count == 0;
    }

    public bool IsEmpty { get; }

    /// <summary>Appends the segments of <c>text[start..end)</c> to <paramref name="output"/>.</summary>
    public void Split(ReadOnlySpan<char> text, int start, int end, List<TextSegment> output)
    {
        if (IsEmpty)
        {
            if (end > start) output.Add(new TextSegment(start, end, null));
            return;
        }
        var textStart = start;
        var i = start;
        while (i < end)
        {
            var hit = text[i..end].IndexOfAny(_firstChars);
            if (hit < 0) break;
            i += hit;
            var (token, matchEnd) = LongestAt(text, i, end);
            if (token is null || token.SingleWord && !IsWordBoundary(text, start, end, i, matchEnd))
            {
                i++;
                continue;
            }
            var matchStart = i;
            if (token.LeftStrip)
                while (matchStart > textStart && char.IsWhiteSpace(text[matchStart - 1])) matchStart--;
            if (token.RightStrip)
                while (matchEnd < end && char.IsWhiteSpace(text[matchEnd])) matchEnd++;
            if (matchStart > textStart) output.Add(new TextSegment(textStart, matchStart, null));
            output.Add(new TextSegment(matchStart, matchEnd, token));
            textStart = i = matchEnd;
        }
        if (end > textStart) output.Add(new TextSegment(textStart, end, null));
    }

    private (AddedToken? Token, int End) LongestAt(ReadOnlySpan<char> text, int i, int end)
    {
        AddedToken? best = null;
        var bestEnd = i;
        var node = 0;
        for (var j = i; j < end; j++)
        {
            if (!_children[node].TryGetValue(text[j], out node)) break;
            if (_terminal[node] is { } t)
            {
                best = t;
                bestEnd = j + 1;
            }
        }
        return (best, bestEnd);
    }

    private static bool IsWordBoundary(ReadOnlySpan<char> text, int start, int end, int matchStart, int matchEnd) =>
        (matchStart == start || !IsWordChar(text[matchStart - 1])) && (matchEnd == end || !IsWordChar(text[matchEnd]));

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_' ||
                                              CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark;
}
