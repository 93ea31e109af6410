using System.Text;
using Spectre.Console;

namespace DeclarativeSft.Data;

/// <summary>
/// Writes a <see cref="LabelInspection"/>: in a terminal, trained tokens are highlighted (alternating shades, so
/// token boundaries show) and masked ones dim; as plain text (redirected output, logs) trained runs are wrapped in
/// <c>[[…]]</c>. Line breaks inside tokens are shown as ↵ before the actual line break.
/// </summary>
public static class LabelViewWriter
{
    /// <summary>Writes to the console: coloured when it is an interactive terminal, plain otherwise.</summary>
    public static void WriteToConsole(LabelInspection inspection)
    {
        if (Console.IsOutputRedirected) WritePlain(inspection, Console.Out);
        else WriteTerminal(inspection, AnsiConsole.Console);
    }

    public static void WriteTerminal(LabelInspection inspection, IAnsiConsole console)
    {
        WriteHeader(inspection, line => console.MarkupLine(Markup.Escape(line)));
        for (int e = 0; e < inspection.Shown.Count; e++)
        {
            var example = inspection.Shown[e];
            console.Write(new Rule(Markup.Escape(ExampleTitle(e, example))) { Justification = Justify.Left });
            var markup = new StringBuilder();
            int trainedSeen = 0;
            for (int t = 0; t < example.Length; t++)
            {
                string text = Markup.Escape(Visible(inspection.TokenText(example, t)));
                if (LabelInspection.IsTrained(example, t))
                    markup.Append(trainedSeen++ % 2 == 0 ? "[bold black on green]" : "[bold black on darkgreen]").Append(text).Append("[/]");
                else
                    markup.Append("[dim]").Append(text).Append("[/]");
            }
            console.MarkupLine(markup.ToString());
            console.MarkupLine(Markup.Escape(ExampleCounts(example)));
        }
        WriteTotals(inspection, line => console.MarkupLine(Markup.Escape(line)),
            warning => console.MarkupLine("[yellow]warning:[/] " + Markup.Escape(warning)));
    }

    public static void WritePlain(LabelInspection inspection, TextWriter writer)
    {
        WriteHeader(inspection, writer.WriteLine);
        for (int e = 0; e < inspection.Shown.Count; e++)
        {
            var example = inspection.Shown[e];
            writer.WriteLine("── " + ExampleTitle(e, example));
            var line = new StringBuilder();
            bool inTrained = false;
            for (int t = 0; t < example.Length; t++)
            {
                bool trained = LabelInspection.IsTrained(example, t);
                if (trained != inTrained) line.Append(trained ? "[[" : "]]");
                inTrained = trained;
                line.Append(Visible(inspection.TokenText(example, t)));
            }
            if (inTrained) line.Append("]]");
            writer.WriteLine(line.ToString());
            writer.WriteLine(ExampleCounts(example));
        }
        WriteTotals(inspection, writer.WriteLine, w => writer.WriteLine("warning: " + w));
    }

    internal static string ExampleTitle(int index, LabeledExample example) => $"example {index + 1} · {example.Source.Location}";

    internal static string ExampleCounts(LabeledExample example)
    {
        string eot = !example.EndOfTurnExpected ? "no trained assistant turn" : example.EndOfTurnTrained ? "end-of-turn trained" : "end-of-turn NOT trained";
        return $"tokens {example.Length} · trained {example.TrainedTokenCount} · masked {example.Length - example.TrainedTokenCount} · {eot}" +
               (example.Truncated ? $" · TRUNCATED from {example.OriginalTokenCount}" : "");
    }

    internal static IEnumerable<string> HeaderLines(LabelInspection i)
    {
        yield return $"template {i.TemplateName} · mask train_on={ModeName(i.Options.Mode)} train_eos={(i.Options.TrainEos ? "true" : "false")} · vocabulary {i.Tokenizer.VocabSize}";
        yield return "trained tokens are highlighted (plain text: [[trained]]), masked tokens are dim; ↵ marks a line break";
    }

    internal static IEnumerable<string> TotalLines(LabelInspection i)
    {
        double fraction = i.TokenCount == 0 ? 0 : (double)i.TrainedTokenCount / i.TokenCount;
        yield return $"totals: {i.ExampleCount} examples · {i.TokenCount} tokens · {i.TrainedTokenCount} trained ({fraction:P1})";
        if (i.Packing is { } p)
            yield return $"rows: {p}";
    }

    private static void WriteHeader(LabelInspection i, Action<string> line)
    {
        foreach (var l in HeaderLines(i)) line(l);
    }

    private static void WriteTotals(LabelInspection i, Action<string> line, Action<string> warning)
    {
        foreach (var l in TotalLines(i)) line(l);
        foreach (var w in i.Warnings) warning(w);
        if (i.Warnings.Count == 0) line("no warnings");
    }

    internal static string ModeName(LossMaskMode mode) => mode switch
    {
        LossMaskMode.Assistant => "assistant",
        LossMaskMode.LastAssistant => "last_assistant",
        LossMaskMode.Completion => "completion",
        _ => "all",
    };

    /// <summary>Makes control characters visible while keeping line breaks as line breaks.</summary>
    internal static string Visible(string text) =>
        text.Replace("\r\n", "↵\n").Replace("\n", "↵\n").Replace("\r", "␍").Replace("\t", "→");
}
