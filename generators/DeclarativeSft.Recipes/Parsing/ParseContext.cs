using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using DeclarativeSft.Recipes.Yaml;

namespace DeclarativeSft.Recipes;

/// <summary>The keys of one YAML mapping after alias/unknown/duplicate handling, by canonical name.</summary>
internal sealed class Section
{
    private readonly Dictionary<string, KeyValuePair<YamlScalar, YamlNode>> _entries;

    public Section(string path, SourcePosition position, IReadOnlyList<RecipeKey> keys, Dictionary<string, KeyValuePair<YamlScalar, YamlNode>> entries)
    {
        Path = path;
        Position = position;
        Keys = keys;
        _entries = entries;
    }

    /// <summary>A section the recipe left out: every key takes its default.</summary>
    public static Section Empty(string path) =>
        new(path, SourcePosition.Start, RecipeSchema.Root.First(k => k.Name == path).Children, new Dictionary<string, KeyValuePair<YamlScalar, YamlNode>>());

    public string Path { get; }
    public SourcePosition Position { get; }
    public IReadOnlyList<RecipeKey> Keys { get; }
    public string Display => Path.Length == 0 ? "the recipe root" : "'" + Path + "'";
    public string PathOf(string key) => Path.Length == 0 ? key : Path + "." + key;
    public bool Has(string key) => _entries.ContainsKey(key);
    public YamlNode? Get(string key) => _entries.TryGetValue(key, out var e) ? e.Value : null;
    public YamlScalar? KeyNode(string key) => _entries.TryGetValue(key, out var e) ? e.Key : null;
}

/// <summary>State of one parse: diagnostics, source map, and typed readers that report at the node's position.</summary>
internal sealed class ParseContext
{
    private static readonly Regex IntPattern = new("^[-+]?[0-9]+$", RegexOptions.CultureInvariant);
    private static readonly Regex FloatPattern = new(@"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant);
    private static readonly Regex BytesPattern = new(@"^([0-9]+(\.[0-9]+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
    private static readonly Regex DevicePattern = new("^(auto|cpu|cuda|cuda:[0-9]+)$", RegexOptions.CultureInvariant);

    private readonly List<RecipeNodeLocation> _locations = new();

    public ParseContext(string recipePath)
    {
        RecipePath = recipePath;
        Directory = DirectoryOf(recipePath);
    }

    public string RecipePath { get; }
    public string Directory { get; }
    public List<RecipeDiagnostic> Diagnostics { get; } = new();
    public List<UnresolvedModuleName> Unresolved { get; } = new();

    public RecipeSourceMap Map() => new(RecipePath, _locations.ToEquatableArray());

    public void Report(RecipeDiagnosticDescriptor descriptor, SourcePosition position, params object?[] args) =>
        Diagnostics.Add(descriptor.At(RecipePath, position, args));

    public SourcePosition KeyAt(Section s, string key) => s.KeyNode(key)?.Position ?? s.Position;
    public SourcePosition ValueAt(Section s, string key) => s.Get(key)?.Position ?? s.Position;

    /// <summary>Absolute path of <paramref name="relative"/> against the recipe's folder.</summary>
    public string Resolve(string relative) => PathResolver.Resolve(Directory, relative);

    // ---- Sections and keys ----

    /// <param name="position">Where the section is reported (missing keys): its parent key; the mapping itself by default.</param>
    public Section Section(YamlMapping map, string path, IReadOnlyList<RecipeKey> keys, SourcePosition? position = null)
    {
        var entries = new Dictionary<string, KeyValuePair<YamlScalar, YamlNode>>(StringComparer.Ordinal);
        var displayPath = path.Length == 0 ? "the recipe root" : "'" + path + "'";
        foreach (var entry in map.Entries)
        {
            var keyText = entry.Key.Value;
            var known = keys.FirstOrDefault(k => k.Name == keyText);
            if (known is null)
            {
                known = keys.FirstOrDefault(k => k.Aliases.Contains(keyText));
                if (known is not null)
                    Report(RecipeDiagnostics.AliasKey, entry.Key.Position, Join(path, keyText), Join(path, known.Name));
            }
            if (known is null)
            {
                Report(RecipeDiagnostics.UnknownKey, entry.Key.Position, keyText, displayPath, UnknownKeyHint(keyText, keys, path),
                    Suggestions.List(keys.Select(k => k.Name)));
                continue;
            }
            if (entries.TryGetValue(known.Name, out var first))
            {
                Report(RecipeDiagnostics.DuplicateKey, entry.Key.Position, known.Name, displayPath, first.Key.Position.Line);
                continue;
            }
            entries[known.Name] = entry;
            Record(Join(path, known.Name), entry.Key.Position, entry.Value.Position);
        }
        return new Section(path, position ?? map.Position, keys, entries);
    }

    private static string UnknownKeyHint(string keyText, IReadOnlyList<RecipeKey> keys, string path)
    {
        var closest = Suggestions.Closest(keyText, keys.Select(k => k.Name).Concat(keys.SelectMany(k => k.Aliases)));
        if (closest is not null)
        {
            var canonical = keys.First(k => k.Name == closest || k.Aliases.Contains(closest)).Name;
            return $" Did you mean '{canonical}'?";
        }
        // A key that exists in another section: say where it belongs.
        foreach (var section in RecipeSchema.Root.Where(k => k.IsSection && k.Name != path))
            foreach (var k in section.Children)
                if (k.Name == keyText || k.Aliases.Contains(keyText))
                    return $" '{k.Name}' belongs under '{section.Name}:'.";
        return "";
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    /// <summary>Remembers where <paramref name="path"/> was written (for diagnostics reported after parsing).</summary>
    public void Record(string path, SourcePosition key, SourcePosition value) =>
        _locations.Add(new RecipeNodeLocation(path, key.Line, key.Column, value.Line, value.Column));

    public Section? SubSection(Section parent, string key)
    {
        var node = parent.Get(key);
        if (node is null || node is YamlScalar { IsNull: true }) return null;
        var schema = parent.Keys.First(k => k.Name == key);
        if (node is not YamlMapping map)
        {
            WrongType(parent, key, node, "a mapping of keys", "{ " + schema.Children[0].Name + ": " + schema.Children[0].Example + " }");
            return null;
        }
        return Section(map, parent.PathOf(key), schema.Children, parent.KeyNode(key)?.Position);
    }

    private void WrongType(Section s, string key, YamlNode node, string expected, string? example = null)
    {
        example ??= s.Keys.First(k => k.Name == key).Example;
        Report(RecipeDiagnostics.WrongType, node.Position, s.PathOf(key), expected, node.Describe(), example);
    }

    private YamlNode? Value(Section s, string key, bool required)
    {
        var node = s.Get(key);
        if (node is YamlScalar { IsNull: true }) node = null;
        if (node is null && required && !s.Has(key))
            Report(RecipeDiagnostics.MissingKey, s.Position, key, s.Display, key + ": " + s.Keys.First(k => k.Name == key).Example);
        return node;
    }

    // ---- Typed readers: null when absent or invalid (after reporting) ----

    public string? String(Section s, string key, bool required = false)
    {
        var node = Value(s, key, required);
        if (node is null) return null;
        if (node is YamlScalar scalar) return scalar.Value;
        WrongType(s, key, node, "text");
        return null;
    }

    public string? Path(Section s, string key, bool required = false)
    {
        var text = String(s, key, required);
        if (text is null) return null;
        if (text.Trim().Length == 0 || text.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
        {
            Report(RecipeDiagnostics.OutOfRange, ValueAt(s, key), s.PathOf(key), $"'{text}'", "a file or folder path", "");
            return null;
        }
        return Resolve(text);
    }

    public List<string>? StringList(Section s, string key)
    {
        var node = Value(s, key, false);
        if (node is null) return null;
        if (node is YamlScalar single) return new List<string> { single.Value };
        if (node is not YamlSequence seq) { WrongType(s, key, node, "a list of text"); return null; }
        var result = new List<string>();
        for (int i = 0; i < seq.Items.Count; i++)
        {
            var item = seq.Items[i];
            Record($"{s.PathOf(key)}[{i}]", item.Position, item.Position);
            if (item is YamlScalar sc && !sc.IsNull) result.Add(sc.Value);
            else WrongType(s, key, item, "a list of text");
        }
        return result;
    }

    public List<string>? PathList(Section s, string key)
    {
        var items = StringList(s, key);
        if (items is null) return null;
        if (items.Count == 0)
        {
            Report(RecipeDiagnostics.OutOfRange, ValueAt(s, key), s.PathOf(key), "an empty list", "at least one file", "Add e.g. data/train.jsonl.");
            return null;
        }
        return items.Select(Resolve).ToList();
    }

    public bool? Bool(Section s, string key)
    {
        var node = Value(s, key, false);
        if (node is null) return null;
        if (node is YamlScalar { IsPlain: true } sc)
        {
            switch (sc.Value)
            {
                case "true": case "True": case "TRUE": return true;
                case "false": case "False": case "FALSE": return false;
            }
        }
        WrongType(s, key, node, "true or false");
        return null;
    }

    public int? Int(Section s, string key, long min, long max, string? hint = null)
    {
        var node = Value(s, key, false);
        if (node is null) return null;
        if (node is YamlScalar { IsPlain: true } sc && IntPattern.IsMatch(sc.Value))
        {
            if (!long.TryParse(sc.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            {
                Report(RecipeDiagnostics.OutOfRange, sc.Position, s.PathOf(key), sc.Value, RangeText(min, max), hint ?? "");
                return null;
            }
            return (int)v;
        }
        WrongType(s, key, node, "a whole number");
        return null;
    }

    private static string RangeText(long min, long max) =>
        max >= int.MaxValue ? $"at least {min}" : $"between {min} and {max}";

    public double? Double(Section s, string key, double min, double max, bool minExclusive = false, bool maxExclusive = false,
        string? rangeText = null, string? hint = null)
    {
        var node = Value(s, key, false);
        if (node is null) return null;
        if (node is YamlScalar { IsPlain: true } sc && (FloatPattern.IsMatch(sc.Value) || IsSpecialFloat(sc.Value)))
        {
            double v = IsSpecialFloat(sc.Value) ? double.NaN : double.Parse(sc.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            bool ok = !double.IsNaN(v) && !double.IsInfinity(v)
                      && (minExclusive ? v > min : v >= min) && (maxExclusive ? v < max : v <= max);
            if (!ok)
            {
                Report(RecipeDiagnostics.OutOfRange, sc.Position, s.PathOf(key), sc.Value,
                    rangeText ?? $"between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}", hint ?? "");
                return null;
            }
            return v;
        }
        WrongType(s, key, node, "a number");
        return null;
    }

    private static bool IsSpecialFloat(string s) =>
        s is ".inf" or "-.inf" or "+.inf" or ".Inf" or ".INF" or ".nan" or ".NaN" or ".NAN";

    public T Enum<T>(Section s, string key, IReadOnlyList<(string Name, T Value)> table, T fallback, string what) where T : struct, System.Enum
    {
        var node = Value(s, key, false);
        if (node is null) return fallback;
        if (node is YamlScalar sc)
        {
            foreach (var (name, value) in table)
                if (name == sc.Value) return value;
            ReportUnknownValue(sc, what, table.Select(t => t.Name));
            return fallback;
        }
        WrongType(s, key, node, "one of " + Suggestions.List(table.Select(t => t.Name)), table[0].Name);
        return fallback;
    }

    private void ReportUnknownValue(YamlScalar sc, string what, IEnumerable<string> valid)
    {
        var names = valid.ToList();
        Report(RecipeDiagnostics.UnknownValue, sc.Position, what, sc.Value, Suggestions.DidYouMean(sc.Value, names), Suggestions.List(names));
    }

    public TokenPair? TokenPair(Section s, string key)
    {
        var node = Value(s, key, true);
        if (node is null) return null;
        if (node is YamlSequence { Items.Count: 2 } seq && seq.Items.All(i => i is YamlScalar { IsNull: false }))
        {
            for (int i = 0; i < 2; i++) Record($"{s.PathOf(key)}[{i}]", seq.Items[i].Position, seq.Items[i].Position);
            return new TokenPair(((YamlScalar)seq.Items[0]).Value, ((YamlScalar)seq.Items[1]).Value);
        }
        WrongType(s, key, node, "a list of two tokens [start, end]", "[\"<SOT>\", \"<EOT>\"]");
        return null;
    }

    public ModelModules? Modules(Section s, string key, IReadOnlyList<(string Name, ModelModules Value)> valid, bool allowAllLinear)
    {
        var node = Value(s, key, false);
        if (node is null) return null;
        if (allowAllLinear && node is YamlScalar { Value: "all-linear" }) return ModelModules.AllLinear;
        var items = node is YamlSequence seq ? seq.Items : node is YamlScalar ? new[] { node } : null;
        if (items is null) { WrongType(s, key, node, "a list of module names"); return null; }
        var result = ModelModules.None;
        foreach (var item in items)
        {
            if (item is not YamlScalar sc || sc.IsNull) { WrongType(s, key, item, "a list of module names"); continue; }
            var match = valid.Where(v => v.Name == sc.Value).Select(v => (ModelModules?)v.Value).FirstOrDefault();
            if (match is not null) result |= match.Value;
            else if (allowAllLinear && sc.Value == "all-linear") result |= ModelModules.AllLinear;
            else Unresolved.Add(new UnresolvedModuleName(s.PathOf(key), sc.Value, sc.Position.Line, sc.Position.Column));
        }
        return result;
    }

    public SaveKind? SaveKinds(Section s, string key)
    {
        var node = Value(s, key, false);
        if (node is null) return null;
        var items = node is YamlSequence seq ? seq.Items : node is YamlScalar ? new[] { node } : null;
        if (items is null) { WrongType(s, key, node, "a list of adapter | merged | full"); return null; }
        var result = SaveKind.None;
        foreach (var item in items)
        {
            if (item is not YamlScalar sc) { WrongType(s, key, item, "a list of adapter | merged | full"); continue; }
            var match = RecipeNames.SaveKinds.Where(v => v.Name == sc.Value).Select(v => (SaveKind?)v.Value).FirstOrDefault();
            if (match is null) ReportUnknownValue(sc, "save kind", RecipeNames.SaveKinds.Select(k => k.Name));
            else result |= match.Value;
        }
        return result;
    }

    public string? Device(Section s, string key)
    {
        var text = String(s, key);
        if (text is null) return null;
        if (DevicePattern.IsMatch(text)) return text;
        var valid = new[] { "auto", "cpu", "cuda", "cuda:0" };
        Report(RecipeDiagnostics.UnknownValue, ValueAt(s, key), "device", text, Suggestions.DidYouMean(text, valid), "auto, cpu, cuda, cuda:N");
        return null;
    }

    public long? Bytes(Section s, string key)
    {
        var node = Value(s, key, false);
        if (node is null) return null;
        if (node is YamlScalar sc)
        {
            var m = BytesPattern.Match(sc.Value.Trim());
            if (m.Success && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                double scale = m.Groups[3].Value.ToUpperInvariant() switch
                {
                    "KB" => 1e3, "MB" => 1e6, "GB" => 1e9, "TB" => 1e12,
                    "KIB" => 1024.0, "MIB" => 1024.0 * 1024, "GIB" => 1024.0 * 1024 * 1024, "TIB" => 1024.0 * 1024 * 1024 * 1024,
                    _ => 1,
                };
                double bytes = amount * scale;
                if (bytes >= 1 && bytes < 9e18) return (long)bytes;
                Report(RecipeDiagnostics.OutOfRange, sc.Position, s.PathOf(key), sc.Value, "between 1 byte and 8 EiB", "");
                return null;
            }
        }
        WrongType(s, key, node, "a size such as 24GiB, 512MiB or 8GB");
        return null;
    }

    private static string DirectoryOf(string path)
    {
        int cut = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return cut <= 0 ? (cut == 0 ? path.Substring(0, 1) : ".") : path.Substring(0, cut);
    }
}
