namespace DeclarativeSft.Tokenizers.Tests;

/// <summary>Properties every encoding's offsets must have: inside the text, in order, and together covering
/// every character (a character may be shared by the tokens its bytes were split into, never skipped).</summary>
internal static class OffsetChecks
{
    public static void AssertCoversInput(string name, ITokenizer tokenizer, string text)
    {
        var tokens = tokenizer.EncodeWithOffsets(text);
        Assert.Equal(tokenizer.Encode(text), tokens.Select(t => t.Id).ToArray());
        var covered = new bool[text.Length];
        var lastStart = 0;
        foreach (var t in tokens)
        {
            Assert.True(t.Start >= 0 && t.End <= text.Length && t.Start <= t.End, $"{name}: span [{t.Start},{t.End}) outside text of length {text.Length}: {HfParityTests.Show(text)}");
            Assert.True(t.Start >= lastStart, $"{name}: spans go backwards at [{t.Start},{t.End}) in {HfParityTests.Show(text)}");
            lastStart = t.Start;
            for (var k = t.Start; k < t.End; k++) covered[k] = true;
        }
        var missing = Array.IndexOf(covered, false);
        if (missing >= 0)
            Assert.Fail($"{name}: character {missing} ({HfParityTests.Show(text.Substring(missing, 1))}) is covered by no token in {HfParityTests.Show(text)}");
    }
}
