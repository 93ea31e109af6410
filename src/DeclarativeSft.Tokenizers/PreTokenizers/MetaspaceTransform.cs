using DeclarativeSft.Tokenizers.Text;

namespace DeclarativeSft.Tokenizers.PreTokenizers;

/// <summary>When to put the replacement character in front of a text (Metaspace <c>prepend_scheme</c>).</summary>
internal enum PrependScheme
{
    Always,
    First,
    Never,
}

/// <summary>
/// The text half of the Metaspace pre-tokenizer (Mistral/older SentencePiece files): spaces become
/// <c>▁</c> and a <c>▁</c> is put in front per the prepend scheme. Its split half (on <c>▁</c>, merged with
/// the following text) is a <see cref="PatternSplitter"/>.
/// </summary>
internal sealed class MetaspaceTransform(char replacement, PrependScheme scheme)
{
    public char Replacement => replacement;

    public AlignedText Apply(AlignedText source, AlignedText spare, bool firstSection)
    {
        spare.Clear();
        if (source.Length == 0) return spare;
        var prepend = source.Chars[0] != replacement && source.Chars[0] != ' ' &&
                      (scheme == PrependScheme.Always || scheme == PrependScheme.First && firstSection);
        if (prepend) spare.Append(replacement, source.Starts[0], source.Starts[0]);
        for (var k = 0; k < source.Length; k++)
        {
            var c = source.Chars[k];
            spare.Append(c == ' ' ? replacement : c, source.Starts[k], source.Ends[k]);
        }
        return spare;
    }
}
