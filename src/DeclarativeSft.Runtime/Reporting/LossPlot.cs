using System.Globalization;
using System.Text;

namespace DeclarativeSft.Runtime.Reporting;

/// <summary>
/// Draws training and validation loss against the step as a self-contained SVG (no script, no fonts to load), so
/// a person can open loss.svg in any browser or image viewer. With several data sources each source's training loss
/// (thin) and validation loss (dashed) are drawn too, in one colour per source.
/// </summary>
public static class LossPlot
{
    /// <summary>Renders the curves of <paramref name="records"/>; <paramref name="title"/> heads the chart.</summary>
    public static string Render(IReadOnlyList<MetricsRecord> records, string title)
    {
        const int W = 720, H = 420, L = 64, R = 20, T = 40, B = 50;
        var train = records.Where(r => r.Loss is { } x && double.IsFinite(x)).Select(r => (r.Step, r.Loss!.Value)).ToList();
        var val = records.Where(r => r.ValLoss is { } x && double.IsFinite(x)).Select(r => (r.Step, r.ValLoss!.Value)).ToList();
        var tags = records.SelectMany(r => (r.LossByTag?.Keys ?? []).Concat(r.ValLossByTag?.Keys ?? [])).Distinct().ToList();
        List<(int, double)> TagSeries(string tag, bool validation) => records
            .Select(r => (r.Step, V: (validation ? r.ValLossByTag : r.LossByTag) is { } d && d.TryGetValue(tag, out var x) ? x : double.NaN))
            .Where(p => double.IsFinite(p.V)).ToList();
        var all = train.Concat(val).Concat(tags.SelectMany(t => TagSeries(t, false).Concat(TagSeries(t, true)))).ToList();
        var sb = new StringBuilder();
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append($"<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>\n");
        sb.Append($"<text x=\"{W / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n");
        if (all.Count == 0)
        {
            sb.Append($"<text x=\"{W / 2}\" y=\"{H / 2}\" text-anchor=\"middle\">no loss recorded yet</text>\n</svg>\n");
            return sb.ToString();
        }
        double x0 = all.Min(p => p.Item1), x1 = all.Max(p => p.Item1);
        double y0 = all.Min(p => p.Item2), y1 = all.Max(p => p.Item2);
        if (x1 <= x0) x1 = x0 + 1;
        double pad = (y1 - y0) * 0.05;
        if (pad <= 0) pad = Math.Max(Math.Abs(y1) * 0.05, 0.1);
        y0 -= pad; y1 += pad;
        double Px(double x) => L + (x - x0) / (x1 - x0) * (W - L - R);
        double Py(double y) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);

        // Axes with five ticks each.
        sb.Append($"<line x1=\"{L}\" y1=\"{H - B}\" x2=\"{W - R}\" y2=\"{H - B}\" stroke=\"black\"/>\n");
        sb.Append($"<line x1=\"{L}\" y1=\"{T}\" x2=\"{L}\" y2=\"{H - B}\" stroke=\"black\"/>\n");
        for (int i = 0; i <= 4; i++)
        {
            double xv = x0 + (x1 - x0) * i / 4, yv = y0 + (y1 - y0) * i / 4;
            sb.Append($"<line x1=\"{F(Px(xv))}\" y1=\"{H - B}\" x2=\"{F(Px(xv))}\" y2=\"{H - B + 5}\" stroke=\"black\"/>");
            sb.Append($"<text x=\"{F(Px(xv))}\" y=\"{H - B + 18}\" text-anchor=\"middle\">{Math.Round(xv).ToString(CultureInfo.InvariantCulture)}</text>\n");
            sb.Append($"<line x1=\"{L - 5}\" y1=\"{F(Py(yv))}\" x2=\"{W - R}\" y2=\"{F(Py(yv))}\" stroke=\"#e5e5e5\"/>");
            sb.Append($"<text x=\"{L - 8}\" y=\"{F(Py(yv) + 4)}\" text-anchor=\"end\">{yv.ToString("0.###", CultureInfo.InvariantCulture)}</text>\n");
        }
        sb.Append($"<text x=\"{(L + W - R) / 2}\" y=\"{H - 12}\" text-anchor=\"middle\">optimizer step</text>\n");
        sb.Append($"<text x=\"16\" y=\"{(T + H - B) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {(T + H - B) / 2})\">loss</text>\n");

        void Series(List<(int, double)> pts, string color, string label, int legendY, string style = "stroke-width=\"1.8\"")
        {
            if (pts.Count == 0) return;
            var path = string.Join(" ", pts.Select((p, i) => (i == 0 ? "M" : "L") + F(Px(p.Item1)) + "," + F(Py(p.Item2))));
            sb.Append($"<path d=\"{path}\" fill=\"none\" stroke=\"{color}\" {style}/>\n");
            foreach (var p in pts.Count <= 60 ? pts : [])
                sb.Append($"<circle cx=\"{F(Px(p.Item1))}\" cy=\"{F(Py(p.Item2))}\" r=\"2.5\" fill=\"{color}\"/>");
            sb.Append($"\n<line x1=\"{W - R - 170}\" y1=\"{legendY}\" x2=\"{W - R - 150}\" y2=\"{legendY}\" stroke=\"{color}\" {style}/>");
            sb.Append($"<text x=\"{W - R - 144}\" y=\"{legendY + 4}\">{Escape(label)}</text>\n");
        }
        Series(train, "#1f77b4", "train loss", T + 10);
        Series(val, "#d62728", "validation loss", T + 28);
        string[] palette = ["#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];
        int legend = T + 46;
        for (int i = 0; i < tags.Count; i++)
        {
            var color = palette[i % palette.Length];
            var trainTag = TagSeries(tags[i], false);
            var valTag = TagSeries(tags[i], true);
            if (trainTag.Count > 0) { Series(trainTag, color, $"train · {tags[i]}", legend, "stroke-width=\"1\" stroke-opacity=\"0.7\""); legend += 18; }
            if (valTag.Count > 0) { Series(valTag, color, $"validation · {tags[i]}", legend, "stroke-width=\"2\" stroke-dasharray=\"6 3\""); legend += 18; }
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>Writes <see cref="Render"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IReadOnlyList<MetricsRecord> records, string title) =>
        AtomicFile.WriteAllText(path, Render(records, title));

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
