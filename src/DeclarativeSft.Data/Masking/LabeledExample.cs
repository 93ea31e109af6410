using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Data;

/// <summary>
/// A tokenized example that still knows where each token came from: the source line, the rendered text, each
/// token's characters and the template span it starts in. Training only needs <see cref="ToTokenizedExample"/>;
/// the rest serves the label inspection view and error messages.
/// </summary>
public sealed record LabeledExample(
    Conversation Source,
    string Text,
    EncodedToken[] Tokens,
    int[] Labels,
    TemplateSpan[] TokenSpans,
    bool EndOfTurnExpected,
    bool EndOfTurnTrained,
    int OriginalTokenCount)
{
    public int Length => Tokens.Length;

    /// <summary>True when tokens were cut off by <c>truncation: truncate</c>.</summary>
    public bool Truncated => Tokens.Length < OriginalTokenCount;

    public int[] InputIds => Tokens.Select(t => t.Id).ToArray();

    public int TrainedTokenCount => Labels.Count(l => l != Data.Labels.IgnoreIndex);

    /// <summary>Ids and labels only, as training needs them; <paramref name="tag"/> is the index of the example's data source.</summary>
    public TokenizedExample ToTokenizedExample(int tag = 0) => new(InputIds, (int[])Labels.Clone(), tag);

    /// <summary>The first <paramref name="count"/> tokens (for <c>truncation: truncate</c>).</summary>
    public LabeledExample Truncate(int count)
    {
        if (count >= Tokens.Length) return this;
        var labels = Prefix(Labels, count);
        return this with
        {
            Tokens = Prefix(Tokens, count),
            Labels = labels,
            TokenSpans = Prefix(TokenSpans, count),
            EndOfTurnTrained = EndOfTurnTrained && EndOfTurnSurvives(count),
        };
    }

    // Not array[..count]: netstandard2.0 (the generator's build) lacks the runtime helper ranges on arrays need.
    private static T[] Prefix<T>(T[] array, int count)
    {
        var prefix = new T[count];
        Array.Copy(array, prefix, count);
        return prefix;
    }

    private bool EndOfTurnSurvives(int count)
    {
        for (int i = 0; i < count; i++)
            if (TokenSpans[i].Kind == SpanKind.EndOfTurn && TokenSpans[i].Role == ChatRoles.Assistant && Labels[i] != Data.Labels.IgnoreIndex)
                return true;
        return false;
    }
}
