using DeclarativeSft.Data.Tests.Support;
using static DeclarativeSft.Data.Tests.Support.Corpus;

namespace DeclarativeSft.Data.Tests.Preparation;

public class PreparationTests
{
    private static LabeledExample Labeled(string answer, int line)
    {
        var template = new ChatMlTemplate();
        var masker = new LossMasker(new WordTestTokenizer(template.SpecialTokens), template, new LossMaskOptions());
        return masker.Label(new Conversation([U("q"), A(answer)], "train.jsonl", line));
    }

    [Fact]
    public void Truncation_drop_truncate_and_error()
    {
        var shortOne = Labeled("a", 1);
        var longOne = Labeled(string.Join(' ', Enumerable.Range(0, 50)), 2);
        int max = shortOne.Length + 3;
        Assert.True(longOne.Length > max);

        var dropped = Truncation.Apply([shortOne, longOne], max, TruncationMode.Drop);
        Assert.Equal([shortOne], dropped.Kept);
        Assert.Equal([longOne], dropped.Dropped);

        var truncated = Truncation.Apply([shortOne, longOne], max, TruncationMode.Truncate);
        Assert.Equal(1, truncated.TruncatedCount);
        var cut = truncated.Kept[1];
        Assert.Equal(max, cut.Length);
        Assert.True(cut.Truncated);
        Assert.Equal(longOne.Labels[..max], cut.Labels);
        Assert.False(cut.EndOfTurnTrained); // the closing <|im_end|> was cut off
        Assert.True(longOne.EndOfTurnTrained);

        var e = Assert.Throws<DataFormatException>(() => Truncation.Apply([shortOne, longOne], max, TruncationMode.Error));
        Assert.StartsWith("train.jsonl:2: example has " + longOne.Length + " tokens, more than data.max_seq_len " + max, e.Message);
    }

    [Fact]
    public void Validation_split_is_deterministic_disjoint_and_sized_by_fraction()
    {
        var items = Enumerable.Range(0, 200).ToList();
        var (train, validation) = ValidationSplit.Split(items, 0.1, seed: 7);
        Assert.Equal(20, validation.Count);
        Assert.Equal(items, train.Concat(validation).Order());
        Assert.Equal(train, train.Order()); // file order kept
        var again = ValidationSplit.Split(items, 0.1, seed: 7);
        Assert.Equal(validation, again.Validation);
        var other = ValidationSplit.Split(items, 0.1, seed: 8);
        Assert.NotEqual(validation, other.Validation);
        // Not simply the first or last examples.
        Assert.NotEqual(items[..20], validation);
        Assert.NotEqual(items[^20..], validation);
    }

    [Fact]
    public void Validation_split_that_leaves_no_training_data_is_an_error()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ValidationSplit.Split([1], 0.5, 1));
        Assert.Contains("leaves no training examples", e.Message);
        Assert.Single(ValidationSplit.Split([1, 2, 3], 0.01, 1).Validation); // at least one held out
    }
}
