using System;
using System.Collections.Generic;
using System.Linq;
using DeclarativeSft.Data.Quality;

namespace DeclarativeSft.Recipes;

/// <summary>
/// The dataset checks (DeclarativeSft.Data.Quality) of a recipe, as recipe diagnostics at the severities its
/// <c>data.quality</c> sets. <c>sft lint</c> and the build share this mapping: the build runs the per-source checks
/// in the same pass that reads and labels each data file (<see cref="DataFileCheck"/>) and the cross-source ones
/// (duplicates, format collapse) from the files' fingerprints in its cross-file step.
/// </summary>
public static class DatasetQuality
{
    /// <summary>The settings of the checks: what the reader, the mask and truncation of <paramref name="spec"/> do.</summary>
    public static LintSettings Settings(RecipeSpec spec) => new(spec.Data.Format, spec.Data.MaxSeqLen,
        spec.Data.Truncation, spec.Template.System, RecipeNames.NameOf(RecipeNames.MaskModes, spec.Mask.TrainOn));

    /// <summary>Each data.train source with the recipe line that names it (where per-source findings point).</summary>
    public static IReadOnlyList<SourceDeclaration> Sources(RecipeSpec spec, RecipeSourceMap map) =>
        spec.Data.Train.Select((s, i) => new SourceDeclaration(s.Tag, s.Path, spec.RecipePath, SourceLine(map, i))).ToList();

    /// <summary>Which cross-source checks are on: duplicates or format collapse need fingerprints, near duplicates
    /// also MinHash signatures.</summary>
    public static (bool Fingerprints, bool Signatures) CrossSourceChecks(QualitySpec quality)
    {
        bool On(QualityCheck c) => quality.For(c.Name) != QualitySeverity.Off;
        bool near = On(QualityCheck.NearDuplicates);
        return (near || On(QualityCheck.Duplicates) || On(QualityCheck.FormatCollapse), near);
    }

    /// <summary>Whether every check is off (then nothing needs to be observed).</summary>
    public static bool AllOff(QualitySpec quality) => QualityCheck.All.All(c => quality.For(c.Name) == QualitySeverity.Off);

    /// <summary>
    /// Findings as diagnostics: the recipe's severity for each check (or the check's default); checks set to off are
    /// left out. With <paramref name="besideBuildChecks"/> the findings that the build's own data checks already
    /// report at the same line are left out too: the reader's problems and turn order (SFT0021–SFT0024, errors in
    /// every build) and truncation (SFT0026, SFT0040–SFT0042).
    /// </summary>
    public static List<RecipeDiagnostic> Diagnostics(IEnumerable<QualityFinding> findings, QualitySpec quality, bool besideBuildChecks)
    {
        var result = new List<RecipeDiagnostic>();
        foreach (var f in findings)
        {
            if (f.Check is not { } check)
            {
                if (!besideBuildChecks) result.Add(new RecipeDiagnostic("SFT0022", RecipeSeverity.Error, f.ReaderProblem + ".", f.File, f.Line, 1));
                continue;
            }
            if (besideBuildChecks && (check == QualityCheck.RoleOrder || check == QualityCheck.Truncation)) continue;
            var severity = quality.For(check.Name) switch
            {
                QualitySeverity.Off => FindingSeverity.Off,
                QualitySeverity.Info => FindingSeverity.Info,
                QualitySeverity.Warning => FindingSeverity.Warning,
                QualitySeverity.Error => FindingSeverity.Error,
                _ => check.DefaultSeverity,
            };
            if (severity == FindingSeverity.Off) continue;
            var descriptor = RecipeDiagnostics.All.First(d => d.Id == check.Id);
            var message = descriptor.At(f.File, new SourcePosition(f.Line, 1), f.Arguments).Message;
            result.Add(new RecipeDiagnostic(check.Id, severity switch
            {
                FindingSeverity.Error => RecipeSeverity.Error,
                FindingSeverity.Warning => RecipeSeverity.Warning,
                _ => RecipeSeverity.Info,
            }, message, f.File, f.Line, 1));
        }
        var ordered = result.OrderBy(d => d.FilePath, StringComparer.Ordinal).ThenBy(d => d.Line).ToList();
        return besideBuildChecks ? Capped(ordered) : ordered;
    }

    /// <summary>Findings a build lists per ID and file; the last one listed counts the rest, which <c>sft lint</c> lists.</summary>
    public const int BuildFindingsPerFile = 10;

    private static List<RecipeDiagnostic> Capped(List<RecipeDiagnostic> diagnostics)
    {
        var result = new List<RecipeDiagnostic>();
        foreach (var group in diagnostics.GroupBy(d => (d.Id, d.FilePath)))
        {
            var all = group.ToList();
            int shown = Math.Min(all.Count, BuildFindingsPerFile);
            for (int i = 0; i < shown; i++)
            {
                var d = all[i];
                if (i == shown - 1 && all.Count > shown)
                    d = d with { Message = d.Message + $" ({all.Count - shown} more {d.Id} finding(s) in this file are not listed by the build; sft lint lists them all.)" };
                result.Add(d);
            }
        }
        return result.OrderBy(d => d.FilePath, StringComparer.Ordinal).ThenBy(d => d.Line).ToList();
    }

    /// <summary>The build's cross-source checks: duplicates and format collapse over every training file's
    /// fingerprints (from <paramref name="files"/>, the build's per-file results).</summary>
    public static List<RecipeDiagnostic> CrossSourceDiagnostics(RecipeParseResult parsed, IEnumerable<FileCheckResult> files)
    {
        if (parsed.Spec is not { } spec) return new List<RecipeDiagnostic>();
        var fingerprints = files.Where(f => f.Kind == ReferencedFileKind.TrainData && f.RecipePath == spec.RecipePath)
            .SelectMany(f => f.Fingerprints)
            .OrderBy(e => e.SourceIndex).ThenBy(e => e.Line)
            .ToList();
        if (fingerprints.Count == 0) return new List<RecipeDiagnostic>();
        return Diagnostics(DatasetLinter.CrossSourceFindings(Sources(spec, parsed.Map), fingerprints), spec.Data.Quality, besideBuildChecks: true);
    }

    private static int SourceLine(RecipeSourceMap map, int i)
    {
        var key = RecipeFileRequirements.TrainKey(map, i);
        return map.Has(key) ? map.ValueOf(key).Line : 1;
    }
}
