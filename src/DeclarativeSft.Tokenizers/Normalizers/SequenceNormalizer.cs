using DeclarativeSft.Tokenizers.Text;

namespace DeclarativeSft.Tokenizers.Normalizers;

/// <summary><c>{"type": "Sequence", "normalizers": [...]}</c>: each step's output is the next one's input.</summary>
internal sealed class SequenceNormalizer(IReadOnlyList<TextNormalizer> steps) : TextNormalizer
{
    public override bool LeavesUnchanged(ReadOnlySpan<char> text)
    {
        foreach (var step in steps)
            if (!step.LeavesUnchanged(text)) return false;
        return true;
    }

    public override AlignedText Normalize(AlignedText source, AlignedText spare)
    {
        var current = source;
        var other = spare;
        foreach (var step in steps)
        {
            var result = step.Normalize(current, other);
            if (!ReferenceEquals(result, current)) (current, other) = (result, current);
        }
        return current;
    }
}
