namespace DeclarativeSft.Tokenizers.Text;

/// <summary>
/// Text being normalized together with, for each of its UTF-16 units, the range of the ORIGINAL input it came
/// from. Offsets of the final tokens are read back through these ranges, so a token produced from normalized
/// text (a prepended "▁", a composed "é") still points at the characters the user wrote.
/// </summary>
internal sealed class AlignedText
{
    private char[] _chars = new char[64];
    private int[] _starts = new int[64];
    private int[] _ends = new int[64];

    public int Length { get; private set; }

    public ReadOnlySpan<char> Chars => _chars.AsSpan(0, Length);

    public ReadOnlySpan<int> Starts => _starts.AsSpan(0, Length);

    public ReadOnlySpan<int> Ends => _ends.AsSpan(0, Length);

    /// <summary>Resets to <paramref name="text"/>, whose unit k came from original offset <c>baseOffset + k</c>.</summary>
    public void SetIdentity(ReadOnlySpan<char> text, int baseOffset)
    {
        Clear();
        EnsureCapacity(text.Length);
        text.CopyTo(_chars);
        for (var k = 0; k < text.Length; k++)
        {
            _starts[k] = baseOffset + k;
            _ends[k] = baseOffset + k + 1;
        }
        Length = text.Length;
    }

    public void Clear() => Length = 0;

    public void Append(char c, int start, int end)
    {
        if (Length == _chars.Length) EnsureCapacity(Length + 1);
        _chars[Length] = c;
        _starts[Length] = start;
        _ends[Length] = end;
        Length++;
    }

    public void Append(ReadOnlySpan<char> text, int start, int end)
    {
        EnsureCapacity(Length + text.Length);
        foreach (var c in text)
        {
            _chars[Length] = c;
            _starts[Length] = start;
            _ends[Length] = end;
            Length++;
        }
    }

    /// <summary>Copies unit <paramref name="index"/> of <paramref name="source"/> with its alignment.</summary>
    public void AppendFrom(AlignedText source, int index) =>
        Append(source._chars[index], source._starts[index], source._ends[index]);

    /// <summary>The original range covered by normalized units <c>[start, end)</c>; an empty range maps to an
    /// empty span where it sits. Prepended characters carry empty ranges, so they never widen a token.</summary>
    public (int Start, int End) MapRange(int start, int end)
    {
        if (Length == 0) return (0, 0);
        if (end <= start)
        {
            var at = start < Length ? _starts[start] : _ends[Length - 1];
            return (at, at);
        }
        var s = int.MaxValue;
        var e = int.MinValue;
        for (var k = start; k < end; k++)
        {
            if (_starts[k] < s) s = _starts[k];
            if (_ends[k] > e) e = _ends[k];
        }
        return (s, Math.Max(s, e));
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _chars.Length) return;
        var size = Math.Max(needed, _chars.Length * 2);
        Array.Resize(ref _chars, size);
        Array.Resize(ref _starts, size);
        Array.Resize(ref _ends, size);
    }
}
