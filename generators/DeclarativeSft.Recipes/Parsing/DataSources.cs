using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using DeclarativeSft.Recipes.Yaml;

namespace DeclarativeSft.Recipes;

/// <summary>
/// <c>data.train</c>: a path, a list of paths, or a list of sources <c>{ path, weight, tag }</c> (paths and sources may
/// be mixed in one list). Checks what the recipe alone decides: weights positive and finite, on every source or on
/// none; tags well-formed and unique. Also reads the old <c>data.replay</c> form as one more weighted source.
/// </summary>
internal static class DataSources
{
    private static readonly Regex TagPattern = new("^[A-Za-z0-9][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant);

    /// <summary>One parsed source and where its parts were written.</summary>
    private sealed record Parsed(DataSourceSpec Spec, SourcePosition At, SourcePosition TagAt);

    /// <summary>The sources of <c>data.train</c>, or null when it is absent or wrong (after reporting).</summary>
    public static List<DataSourceSpec>? Parse(ParseContext c, Section data)
    {
        var node = data.Get("train");
        if (node is null || node is YamlScalar { IsNull: true }) return null;
        var parsed = new List<Parsed>();
        if (node is YamlScalar single)
        {
            var path = c.Path(data, "train");
            if (path is null) return null;
            parsed.Add(new Parsed(new DataSourceSpec(path, null, DefaultTag(path)), single.Position, single.Position));
        }
        else if (node is YamlSequence seq)
        {
            if (seq.Items.Count == 0)
            {
                c.Report(RecipeDiagnostics.OutOfRange, seq.Position, "data.train", "an empty list", "at least one file", "Add e.g. data/train.jsonl.");
                return null;
            }
            bool ok = true;
            for (int i = 0; i < seq.Items.Count; i++)
            {
                var item = ParseItem(c, seq.Items[i], $"data.train[{i}]");
                if (item is null) ok = false;
                else parsed.Add(item);
            }
            if (!ok) return null;
        }
        else
        {
            c.Report(RecipeDiagnostics.WrongType, node.Position, "data.train", "a path or a list of sources", node.Describe(),
                "[{ path: data/task.jsonl, weight: 0.8, tag: task }, { path: data/general.jsonl, weight: 0.2, tag: general }]");
            return null;
        }
        return Check(c, parsed) ? parsed.Select(p => p.Spec).ToList() : null;
    }

    private static Parsed? ParseItem(ParseContext c, YamlNode item, string path)
    {
        c.Record(path, item.Position, item.Position);
        if (item is YamlScalar { IsNull: false } scalar)
        {
            if (scalar.Value.Trim().Length == 0 || scalar.Value.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            {
                c.Report(RecipeDiagnostics.OutOfRange, scalar.Position, path, $"'{scalar.Value}'", "a file path", "");
                return null;
            }
            var resolved = c.Resolve(scalar.Value);
            return new Parsed(new DataSourceSpec(resolved, null, DefaultTag(resolved)), scalar.Position, scalar.Position);
        }
        if (item is not YamlMapping map)
        {
            c.Report(RecipeDiagnostics.WrongType, item.Position, path, "a path or { path, weight, tag }", item.Describe(),
                "{ path: data/task.jsonl, weight: 0.8, tag: task }");
            return null;
        }
        var s = c.Section(map, path, RecipeSchema.DataSource);
        var file = c.Path(s, "path", required: true);
        var weight = c.Double(s, "weight", 0, double.MaxValue, minExclusive: true,
            rangeText: "a positive finite number (its share of the mix relative to the other weights)");
        var tag = c.String(s, "tag");
        bool weightWritten = s.Has("weight") && s.Get("weight") is not YamlScalar { IsNull: true };
        if (file is null || (weightWritten && weight is null)) return null;
        if (tag is not null && !TagPattern.IsMatch(tag))
        {
            c.Report(RecipeDiagnostics.OutOfRange, c.ValueAt(s, "tag"), path + ".tag", $"'{tag}'",
                "letters, digits, '-', '_' or '.', starting with a letter or digit", "It names the source in metrics.jsonl (loss_by_tag) and reports.");
            return null;
        }
        return new Parsed(new DataSourceSpec(file, weight, tag ?? DefaultTag(file)), map.Position, tag is null ? map.Position : c.ValueAt(s, "tag"));
    }

    /// <summary>Weights on all sources or none; unique tags.</summary>
    private static bool Check(ParseContext c, List<Parsed> sources)
    {
        bool ok = true;
        var weighted = sources.FirstOrDefault(p => p.Spec.Weight is not null);
        if (weighted is not null)
            foreach (var p in sources.Where(p => p.Spec.Weight is null))
            {
                c.Report(RecipeDiagnostics.SourceWeightMissing, p.At, p.Spec.Tag, weighted.Spec.Tag);
                ok = false;
            }
        var seen = new Dictionary<string, Parsed>();
        foreach (var p in sources)
        {
            if (seen.TryGetValue(p.Spec.Tag, out var first))
            {
                c.Report(RecipeDiagnostics.DuplicateSourceTag, p.TagAt, p.Spec.Tag, first.TagAt.Line);
                ok = false;
            }
            else seen[p.Spec.Tag] = p;
        }
        return ok;
    }

    /// <summary>
    /// The old <c>data.replay: { path, ratio }</c> next to one unweighted training file is the two-source mix
    /// [train (weight 1 − ratio), replay (weight ratio)]: the training file once per epoch and replay examples making
    /// up <c>ratio</c> of the mix, as before. A warning shows the list to write instead.
    /// </summary>
    public static List<DataSourceSpec> WithReplay(ParseContext c, Section data, List<DataSourceSpec> train)
    {
        var r = c.SubSection(data, "replay");
        if (r is null) return train;
        var path = c.Path(r, "path", required: true);
        var ratio = c.Double(r, "ratio", 0, 1, maxExclusive: true, rangeText: "in [0, 1) (0.3–0.7 is the usual range; 1 would leave no task data)") ?? 0.3;
        if (path is null) return train;
        if (train.Count != 1 || train[0].Weight is not null)
        {
            c.Report(RecipeDiagnostics.MutuallyExclusive, c.KeyAt(data, "replay"), "data.replay", "a data.train list",
                "give the replay file its own weighted source in data.train, e.g. { path: data/general.jsonl, weight: 0.3, tag: general }");
            return train;
        }
        var task = train[0];
        var replayTag = DefaultTag(path);
        if (replayTag == task.Tag) replayTag += "-replay";
        var taskWeight = 1 - ratio;
        c.Report(RecipeDiagnostics.ReplayIsASource, c.KeyAt(data, "replay"),
            Relative(c, task.Path), Num(taskWeight), task.Tag, Relative(c, path), Num(ratio), replayTag);
        if (ratio == 0) return train;
        // The replay file is source 1 of data.train, written at data.replay.path: missing-file errors point there.
        var at = c.ValueAt(r, "path");
        c.Record("data.train[1]", at, at);
        return new List<DataSourceSpec> { task with { Weight = taskWeight }, new DataSourceSpec(path, ratio, replayTag) };
    }

    /// <summary>The tag of a source that names none: its file name without the extension.</summary>
    public static string DefaultTag(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        return name.Length == 0 ? "train" : name;
    }

    private static string Relative(ParseContext c, string path)
    {
        var dir = c.Directory.TrimEnd('/', '\\');
        return path.StartsWith(dir + "/") || path.StartsWith(dir + "\\") ? path.Substring(dir.Length + 1).Replace('\\', '/') : path;
    }

    private static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
