using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Data;

/// <summary>
/// What the label view shows: a few examples token by token, and counts and warnings over all examples — the
/// checks that catch prompt bleeding, an untrained end-of-turn token and examples lost to truncation.
/// </summary>
public sealed class LabelInspection
{
    private LabelInspection(IReadOnlyList<LabeledExample> shown, ITokenizer tokenizer, string templateName,
        LossMaskOptions options, int examples, long tokens, long trained, IReadOnlyList<string> warnings, PackingStats? packing)
    {
        Shown = shown;
        Tokenizer = tokenizer;
        TemplateName = templateName;
        Options = options;
        ExampleCount = examples;
        TokenCount = tokens;
        TrainedTokenCount = trained;
        Warnings = warnings;
        Packing = packing;
    }

    public IReadOnlyList<LabeledExample> Shown { get; }

    public ITokenizer Tokenizer { get; }

    public string TemplateName { get; }

    public LossMaskOptions Options { get; }

    public int ExampleCount { get; }

    public long TokenCount { get; }

    public long TrainedTokenCount { get; }

    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Row statistics of the training data, when the caller packed/padded it.</summary>
    public PackingStats? Packing { get; }

    /// <param name="all">Every (kept) training example, for totals and warnings.</param>
    /// <param name="dropped">Examples dropped by truncation.</param>
    /// <param name="count">How many examples to show token by token.</param>
    /// <param name="tokenizer">Turns ids back into the text shown for each token.</param>
    /// <param name="templateName">The template named in the view's header.</param>
    /// <param name="options">The mask settings, for the EOS and zero-trained warnings.</param>
    /// <param name="packing">Row statistics of the training data, when it was packed or padded.</param>
    public static LabelInspection Create(IReadOnlyList<LabeledExample> all, IReadOnlyList<LabeledExample> dropped, int count,
        ITokenizer tokenizer, string templateName, LossMaskOptions options, PackingStats? packing = null)
    {
        var warnings = new List<string>();
        const int listed = 5;
        void Warn(IReadOnlyList<LabeledExample> bad, string what)
        {
            if (bad.Count == 0) return;
            string where = string.Join(", ", bad.Take(listed).Select(e => e.Source.Location)) + (bad.Count > listed ? $", … ({bad.Count - listed} more)" : "");
            warnings.Add($"{bad.Count} example(s) {what}: {where}");
        }
        Warn(all.Where(e => e.TrainedTokenCount == 0).ToList(), "have no trained token (nothing to learn; check mask.train_on and train: false flags)");
        Warn(all.Where(e => e.Truncated).ToList(), "were truncated to max_seq_len (their answers are cut off)");
        Warn(dropped, "were dropped for being longer than max_seq_len");
        if (!options.TrainEos)
            warnings.Add("mask.train_eos is false: the end-of-turn token is never trained, so the model will not learn to stop");
        else
            Warn(all.Where(e => e.EndOfTurnExpected && !e.EndOfTurnTrained).ToList(), "do not train the end-of-turn token (truncated before it, or it merged into another token)");

        return new LabelInspection(all.Take(count).ToList(), tokenizer, templateName, options, all.Count,
            all.Sum(e => (long)e.Length), all.Sum(e => (long)e.TrainedTokenCount), warnings, packing);
    }

    /// <summary>A token as displayed: its characters, or its vocabulary string when it covers no text
    /// (a post-processor token).</summary>
    public string TokenText(LabeledExample example, int index)
    {
        var t = example.Tokens[index];
        return t.End > t.Start ? example.Text[t.Start..t.End] : Tokenizer.IdToToken(t.Id) ?? $"<{t.Id}>";
    }

    public static bool IsTrained(LabeledExample example, int index) => example.Labels[index] != Labels.IgnoreIndex;
}
