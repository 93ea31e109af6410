using DeclarativeSft.Tokenizers.Text;

namespace DeclarativeSft.Tokenizers.Normalizers;

/// <summary>One step of tokenizer.json's <c>normalizer</c>, applied to each stretch of text between added tokens.</summary>
internal abstract class TextNormalizer
{
    /// <summary>True when normalizing <paramref name="text"/> would not change it, so the caller can skip
    /// the alignment bookkeeping entirely (the common case for NFC on ordinary text).</summary>
    public virtual bool LeavesUnchanged(ReadOnlySpan<char> text) => false;

    /// <summary>Normalizes <paramref name="source"/>, writing into <paramref name="spare"/> (or leaving the
    /// result in <paramref name="source"/>); returns whichever buffer holds the result.</summary>
    public abstract AlignedText Normalize(AlignedText source, AlignedText spare);

    /// <summary>Normalizes a plain string (used for the contents of normalized added tokens).</summary>
    public string NormalizeString(string text)
    {
        var a = new AlignedText();
        a.SetIdentity(text, 0);
        return Normalize(a, new AlignedText()).Chars.ToString();
    }
}
