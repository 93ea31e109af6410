using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace DeclarativeSft.Data.Quality;

/// <summary>A finding as printed: severity, ID, location and message (formatted by the caller).</summary>
public sealed class ReportedFinding
{
    public ReportedFinding(FindingSeverity severity, string id, string file, int line, string message)
    {
        Severity = severity;
        Id = id;
        File = file;
        Line = line;
        Message = message;
    }

    public FindingSeverity Severity { get; }
    public string Id { get; }
    public string File { get; }
    public int Line { get; }
    public string Message { get; }
}

/// <summary>
/// The dataset report as one self-contained HTML page (inline CSS and SVG, no script, nothing fetched): per source,
/// histograms of token lengths per role and of the trained-token share of examples, then every finding with its
/// file:line.
/// </summary>
public static class QualityHtmlReport
{
    private const int Bins = 20;

    public static string Render(string title, QualityReport report, IReadOnlyList<ReportedFinding> findings)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n<style>\n");
        sb.Append("body{font-family:system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:17px;margin-top:28px}");
        sb.Append(".charts{display:flex;flex-wrap:wrap;gap:18px}.chart{border:1px solid #ddd;padding:6px}");
        sb.Append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}");
        sb.Append(".error{color:#b00020;font-weight:600}.warning{color:#a15c00;font-weight:600}.info{color:#1f5fa8}.muted{color:#666}\n");
        sb.Append("</style></head><body>\n<h1>").Append(E(title)).Append("</h1>\n");
        int errors = findings.Count(f => f.Severity == FindingSeverity.Error), warnings = findings.Count(f => f.Severity == FindingSeverity.Warning);
        sb.Append($"<p>{report.Sources.Sum(s => s.Examples)} examples in {report.Sources.Count} source(s); {errors} error(s), {warnings} warning(s), {findings.Count - errors - warnings} info.</p>\n");

        foreach (var source in report.Sources)
        {
            double share = source.Tokens == 0 ? 0 : (double)source.TrainedTokens / source.Tokens;
            sb.Append($"<h2>Source <code>{E(source.Tag)}</code> <span class=\"muted\">{E(source.Path)}</span></h2>\n");
            sb.Append($"<p>{source.Examples} examples, {source.Tokens.ToString("N0", CultureInfo.InvariantCulture)} tokens, " +
                      $"{source.TrainedTokens.ToString("N0", CultureInfo.InvariantCulture)} trained ({share.ToString("P1", CultureInfo.InvariantCulture)}).</p>\n<div class=\"charts\">\n");
            foreach (var role in new[] { ChatRoles.System, ChatRoles.User, ChatRoles.Assistant })
                if (source.MessageTokens.TryGetValue(role, out var lengths) && lengths.Count > 0)
                    sb.Append(Histogram($"{role} message length (tokens)", lengths.Select(x => (double)x).ToList(), 0, Math.Max(1, lengths.Max()), false, Color(role)));
            if (source.TrainedShare.Count > 0)
                sb.Append(Histogram("trained-token share of each example", source.TrainedShare, 0, 1, true, "#2ca02c"));
            sb.Append("</div>\n");
        }

        sb.Append("<h2>Findings</h2>\n");
        if (findings.Count == 0) sb.Append("<p>None.</p>\n");
        else
        {
            sb.Append("<table><tr><th>severity</th><th>ID</th><th>where</th><th>message</th></tr>\n");
            foreach (var f in findings)
            {
                var severity = f.Severity.ToString().ToLowerInvariant();
                sb.Append($"<tr><td class=\"{severity}\">{severity}</td><td>{E(f.Id)}</td><td><code>{E(f.File)}:{f.Line}</code></td><td>{E(f.Message)}</td></tr>\n");
            }
            sb.Append("</table>\n");
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    private static string Color(string role) => role == ChatRoles.System ? "#9467bd" : role == ChatRoles.User ? "#1f77b4" : "#d62728";

    /// <summary>An SVG bar chart of <paramref name="values"/> in <see cref="Bins"/> equal bins over [min, max].</summary>
    private static string Histogram(string title, IReadOnlyList<double> values, double min, double max, bool percent, string color)
    {
        const int W = 340, H = 200, L = 40, R = 10, T = 24, B = 34;
        var counts = new int[Bins];
        foreach (var v in values)
        {
            int bin = (int)Math.Floor((v - min) / (max - min) * Bins);
            counts[Math.Max(0, Math.Min(Bins - 1, bin))]++;
        }
        int top = Math.Max(1, counts.Max());
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        string Axis(double v) => percent ? (v * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : v.ToString("0", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append($"<div class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-size=\"11\">");
        sb.Append($"<text x=\"{W / 2}\" y=\"14\" text-anchor=\"middle\" font-size=\"12\">{E(title)}</text>");
        double barWidth = (W - L - R) / (double)Bins;
        for (int i = 0; i < Bins; i++)
        {
            double h = (H - T - B) * counts[i] / (double)top;
            sb.Append($"<rect x=\"{F(L + i * barWidth + 1)}\" y=\"{F(H - B - h)}\" width=\"{F(barWidth - 2)}\" height=\"{F(h)}\" fill=\"{color}\"><title>{counts[i]}</title></rect>");
        }
        sb.Append($"<line x1=\"{L}\" y1=\"{H - B}\" x2=\"{W - R}\" y2=\"{H - B}\" stroke=\"#333\"/><line x1=\"{L}\" y1=\"{T}\" x2=\"{L}\" y2=\"{H - B}\" stroke=\"#333\"/>");
        sb.Append($"<text x=\"{L}\" y=\"{H - B + 14}\" text-anchor=\"middle\">{Axis(min)}</text><text x=\"{(L + W - R) / 2}\" y=\"{H - B + 14}\" text-anchor=\"middle\">{Axis((min + max) / 2)}</text>");
        sb.Append($"<text x=\"{W - R}\" y=\"{H - B + 14}\" text-anchor=\"end\">{Axis(max)}</text>");
        sb.Append($"<text x=\"{L - 4}\" y=\"{T + 4}\" text-anchor=\"end\">{top}</text><text x=\"{L - 4}\" y=\"{H - B}\" text-anchor=\"end\">0</text>");
        sb.Append($"<text x=\"{(L + W - R) / 2}\" y=\"{H - 4}\" text-anchor=\"middle\" fill=\"#666\">{values.Count} values</text>");
        sb.Append("</svg></div>\n");
        return sb.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
