using System.Net;
using System.Text;

namespace DeclarativeSft.Data;

/// <summary>The label view as one self-contained HTML page (inline CSS, no scripts), written atomically.</summary>
public static class HtmlLabelView
{
    public static string Render(LabelInspection inspection)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Label inspection</title>\n<style>\n")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}\n")
            .Append(".tokens{font-family:ui-monospace,monospace;white-space:pre-wrap;line-height:1.6;border:1px solid #ccc;padding:.6em;border-radius:4px}\n")
            .Append(".m{color:#999}\n.t{background:#b7e4b0;color:#000;font-weight:600;border-radius:2px}\n.t.alt{background:#8fd386}\n")
            .Append(".warn{color:#9a5b00}\n.counts{color:#555;font-size:.9em}\n</style></head><body>\n")
            .Append("<h1>Label inspection</h1>\n");
        foreach (var line in LabelViewWriter.HeaderLines(inspection))
            html.Append("<p>").Append(Encode(line)).Append("</p>\n");
        for (int e = 0; e < inspection.Shown.Count; e++)
        {
            var example = inspection.Shown[e];
            html.Append("<h2>").Append(Encode(LabelViewWriter.ExampleTitle(e, example))).Append("</h2>\n<div class=\"tokens\">");
            int trainedSeen = 0;
            for (int t = 0; t < example.Length; t++)
            {
                bool trained = LabelInspection.IsTrained(example, t);
                string cls = trained ? (trainedSeen++ % 2 == 0 ? "t" : "t alt") : "m";
                html.Append("<span class=\"").Append(cls).Append("\" title=\"id ").Append(example.Tokens[t].Id)
                    .Append(trained ? " trained" : " masked").Append("\">")
                    .Append(Encode(LabelViewWriter.Visible(inspection.TokenText(example, t)))).Append("</span>");
            }
            html.Append("</div>\n<p class=\"counts\">").Append(Encode(LabelViewWriter.ExampleCounts(example))).Append("</p>\n");
        }
        html.Append("<h2>Totals</h2>\n");
        foreach (var line in LabelViewWriter.TotalLines(inspection))
            html.Append("<p>").Append(Encode(line)).Append("</p>\n");
        foreach (var warning in inspection.Warnings)
            html.Append("<p class=\"warn\">warning: ").Append(Encode(warning)).Append("</p>\n");
        if (inspection.Warnings.Count == 0) html.Append("<p>no warnings</p>\n");
        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>Writes the page to <paramref name="path"/> via a temporary file and a rename, so a reader never
    /// sees half a page.</summary>
    public static void Write(LabelInspection inspection, string path) => AtomicFile.WriteAllText(path, Render(inspection));

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
