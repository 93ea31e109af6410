using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DeclarativeSft.Runtime.Reporting;

/// <summary>
/// Append-only metrics.jsonl (one JSON object per line, snake_case keys). On resume the file is first cut back to
/// the records at or before the checkpoint's step, so the file of a resumed run equals that of an uninterrupted one.
/// </summary>
public sealed class MetricsLog
{
    /// <summary>The metrics.jsonl path.</summary>
    public string Path { get; }

    /// <summary>Opens (without truncating) the log at <paramref name="path"/>.</summary>
    public MetricsLog(string path) => Path = path;

    /// <summary>Appends one record and flushes, so a killed run keeps every logged line.</summary>
    public void Append(MetricsRecord r)
    {
        var sb = new StringBuilder();
        sb.Append("{\"step\":").Append(r.Step.ToString(CultureInfo.InvariantCulture));
        void Num(string key, double? v)
        {
            if (v is { } x && double.IsFinite(x)) sb.Append(",\"").Append(key).Append("\":").Append(x.ToString("R", CultureInfo.InvariantCulture));
            else if (v is not null) sb.Append(",\"").Append(key).Append("\":null");
        }
        Num("loss", r.Loss);
        Num("val_loss", r.ValLoss);
        Num("lr", r.Lr);
        Num("grad_norm", r.GradNorm);
        Num("tokens_per_s", r.TokensPerS);
        sb.Append(",\"trained_tokens\":").Append(r.TrainedTokens.ToString(CultureInfo.InvariantCulture));
        void ByTag(string key, IReadOnlyDictionary<string, double>? values)
        {
            if (values is null || values.Count == 0) return;
            sb.Append(",\"").Append(key).Append("\":{");
            bool first = true;
            foreach (var (tag, v) in values)
            {
                if (!first) sb.Append(',');
                first = false;
                sb.Append(JsonSerializer.Serialize(tag)).Append(':')
                  .Append(double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "null");
            }
            sb.Append('}');
        }
        ByTag("loss_by_tag", r.LossByTag);
        ByTag("val_loss_by_tag", r.ValLossByTag);
        sb.Append("}\n");
        try { File.AppendAllText(Path, sb.ToString()); }
        catch (Exception e) when (UserErrorException.FromIo(e, Path, "cannot append to the metrics log") is { } user) { throw user; }
    }

    /// <summary>Reads every record (missing file: none).</summary>
    public static List<MetricsRecord> Read(string path)
    {
        var list = new List<MetricsRecord>();
        if (!File.Exists(path)) return list;
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement e;
            try { e = JsonDocument.Parse(line).RootElement; }
            catch (JsonException) { continue; } // a line cut by a kill mid-write
            double? D(string k) => e.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
            Dictionary<string, double>? ByTag(string k)
            {
                if (!e.TryGetProperty(k, out var o) || o.ValueKind != JsonValueKind.Object) return null;
                var d = new Dictionary<string, double>();
                foreach (var p in o.EnumerateObject())
                    if (p.Value.ValueKind == JsonValueKind.Number) d[p.Name] = p.Value.GetDouble();
                return d;
            }
            list.Add(new MetricsRecord(e.GetProperty("step").GetInt32(), D("loss"), D("val_loss"), D("lr"), D("grad_norm"),
                D("tokens_per_s"), e.TryGetProperty("trained_tokens", out var t) ? t.GetInt64() : 0, ByTag("loss_by_tag"), ByTag("val_loss_by_tag")));
        }
        return list;
    }

    /// <summary>Keeps only the records with step ≤ <paramref name="step"/> (used when resuming from that step).</summary>
    public void TruncateAfter(int step)
    {
        if (!File.Exists(Path)) return;
        var keep = File.ReadLines(Path)
            .Where(l =>
            {
                try { return JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt32() <= step; }
                catch (JsonException) { return false; }
            })
            .Select(l => l + "\n");
        AtomicFile.WriteAllText(Path, string.Concat(keep));
    }
}
