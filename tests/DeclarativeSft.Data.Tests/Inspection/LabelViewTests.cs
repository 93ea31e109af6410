using DeclarativeSft.Data.Tests.Support;
using Spectre.Console;
using static DeclarativeSft.Data.Tests.Support.Corpus;

namespace DeclarativeSft.Data.Tests.Inspection;

public class LabelViewTests
{
    private static (LabelInspection Inspection, WordTestTokenizer Tokenizer) Inspect(LossMaskOptions options, int maxSeqLen = 1000)
    {
        var template = new ChatMlTemplate();
        var tokenizer = new WordTestTokenizer(template.SpecialTokens);
        var masker = new LossMasker(tokenizer, template, options);
        var examples = new[]
        {
            new Conversation([S("You are a helpful assistant."), U("What is 7 * 8?"), A("56")], "train.jsonl", 1),
            new Conversation([U("skip"), A("not this", train: false)], "train.jsonl", 2),
            new Conversation([U("long"), A(string.Join(' ', Enumerable.Range(0, 40)))], "train.jsonl", 3),
        }.Select(masker.Label).ToList();
        var truncation = Truncation.Apply(examples, maxSeqLen, TruncationMode.Truncate);
        return (LabelInspection.Create(truncation.Kept, truncation.Dropped, 2, tokenizer, template.Name, options), tokenizer);
    }

    [Fact]
    public void Plain_view_marks_trained_runs_and_counts()
    {
        var (inspection, _) = Inspect(new LossMaskOptions());
        var writer = new StringWriter();
        LabelViewWriter.WritePlain(inspection, writer);
        string text = writer.ToString();
        Assert.Contains("<|im_start|>assistant↵\n[[56<|im_end|>]]↵\n", text);
        Assert.Contains("example 1 · train.jsonl:1", text);
        Assert.Contains("tokens " + inspection.Shown[0].Length + " · trained 2 ·", text);
        Assert.DoesNotContain("[[not", text);
        Assert.Contains("totals: 3 examples", text);
        Assert.Contains("warning: 1 example(s) have no trained token", text);
        Assert.Contains("train.jsonl:2", text);
    }

    [Fact]
    public void Warnings_name_truncated_examples_and_untrained_end_of_turn()
    {
        var (truncated, _) = Inspect(new LossMaskOptions(), maxSeqLen: 20);
        Assert.Contains(truncated.Warnings, w => w.Contains("truncated") && w.Contains("train.jsonl:3"));
        Assert.Contains(truncated.Warnings, w => w.Contains("do not train the end-of-turn token") && w.Contains("train.jsonl:3"));
        var (noEos, _) = Inspect(new LossMaskOptions(TrainEos: false));
        Assert.Contains(noEos.Warnings, w => w.Contains("train_eos is false"));
    }

    [Fact]
    public void Terminal_view_highlights_trained_tokens_with_colour()
    {
        var (inspection, _) = Inspect(new LossMaskOptions());
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.Standard,
            Out = new AnsiConsoleOutput(output),
        });
        LabelViewWriter.WriteTerminal(inspection, console);
        string text = output.ToString();
        Assert.Contains("\u001b[", text);        // ANSI styling present
        Assert.DoesNotContain("[[56", text);      // no plain markers around tokens in a terminal
        Assert.Contains("56", text);
        Assert.Contains("<|im_end|>", text);      // markup-like token text is escaped, not swallowed
    }

    [Fact]
    public void Html_view_is_written_atomically_and_encodes_token_text()
    {
        var (inspection, _) = Inspect(new LossMaskOptions());
        using var temp = new TempFolder("sft-labels-");
        // A folder that does not exist yet, so that Write must create it.
        string dir = temp["out"];
        string path = Path.Combine(dir, "labels.html");
        HtmlLabelView.Write(inspection, path);
        string html = File.ReadAllText(path);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<span class=\"t\" title=\"id", html);
        Assert.Contains("&lt;|im_end|&gt;", html);
        Assert.DoesNotContain("<|im_end|>", html);
        Assert.Equal(["labels.html"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }
}
