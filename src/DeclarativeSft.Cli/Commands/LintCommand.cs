using System.CommandLine;
using DeclarativeSft.Data;
using DeclarativeSft.Data.Quality;
using DeclarativeSft.Recipes;

using DeclarativeSft.Runtime.Commands;

namespace DeclarativeSft.Cli.Commands;

/// <summary>
/// <c>sft lint &lt;recipe.sft.yaml&gt; [--html report.html]</c>: the dataset report. Reads every training source with
/// the recipe's own reader, tokenizer, template and loss mask, runs the checks of DeclarativeSft.Data.Quality and
/// prints their findings as MSBuild-format lines (like <c>sft validate</c>) at the severity the recipe sets under
/// <c>data.quality</c>; exit code 1 only when a finding is an error.
/// </summary>
internal static class LintCommand
{
    public static Command Create()
    {
        var recipe = new Argument<FileInfo>("recipe") { Description = "Path of the recipe (recipe.sft.yaml)." };
        var html = new Option<FileInfo?>("--html") { Description = "Also write a self-contained HTML report (histograms, offenders) to this file." };
        var command = new Command("lint", "Dataset report: duplicates, format collapse, template markers, truncation victims, length calibration.") { recipe, html };
        command.SetAction(parse => Run(parse.GetValue(recipe)!, parse.GetValue(html), Console.Out, Console.Error));
        return command;
    }

    public static int Run(FileInfo recipe, FileInfo? html, TextWriter output, TextWriter error)
    {
        if (!recipe.Exists)
        {
            error.WriteLine($"{recipe.FullName}: error: recipe file not found. Pass the path of a recipe.sft.yaml.");
            return 1;
        }
        var parsed = RecipeParser.Parse(recipe.FullName, File.ReadAllText(recipe.FullName));
        if (parsed.Spec is not { } spec)
        {
            foreach (var d in parsed.Diagnostics) (d.Severity == RecipeSeverity.Error ? error : output).WriteLine(d.ToString());
            error.WriteLine($"{recipe.Name}: the recipe has errors; fix them (sft validate) before linting its data.");
            return 1;
        }
        QualityReport report;
        try
        {
            var tokenizer = RecipeTextPipeline.CreateTokenizer(spec);
            var template = RecipeTextPipeline.CreateTemplate(spec, tokenizer);
            var masker = new LossMasker(tokenizer, template, RecipeTextPipeline.MaskOptions(spec));
            var options = RecipeTextPipeline.DataOptions(spec, spec.Training.Seed);
            var sources = spec.Data.Train.Select((s, i) => new SourceDeclaration(s.Tag, s.Path, spec.RecipePath, SourceLine(parsed.Map, i))).ToList();
            var settings = new LintSettings(options.Format, options.MaxSeqLen, options.Truncation, options.DefaultSystem,
                RecipeNames.NameOf(RecipeNames.MaskModes, spec.Mask.TrainOn));
            report = DatasetLinter.Run(sources, masker, tokenizer, settings);
        }
        catch (UserErrorException e)
        {
            error.WriteLine($"{spec.RecipePath}: error: {e.Message}");
            return 1;
        }

        var lines = Report(report, spec.Data.Quality);
        foreach (var d in lines) (d.Severity == RecipeSeverity.Error ? error : output).WriteLine(d.ToString());
        int errors = lines.Count(d => d.Severity == RecipeSeverity.Error), warnings = lines.Count(d => d.Severity == RecipeSeverity.Warning);
        output.WriteLine($"{recipe.Name}: {report.Sources.Sum(s => s.Examples)} examples checked; {errors} error(s), {warnings} warning(s), {lines.Count - errors - warnings} info.");
        if (html is not null)
        {
            var findings = lines.Select(d => new ReportedFinding(Severity(d.Severity), d.Id, d.FilePath, d.Line, d.Message)).ToList();
            Runtime.AtomicFile.WriteAllText(html.FullName, QualityHtmlReport.Render($"Dataset report: {spec.Name}", report, findings));
            output.WriteLine($"report written to {html.FullName}");
        }
        return errors == 0 ? 0 : 1;
    }

    /// <summary>Findings as diagnostics: the recipe's severity for each check (or its default), checks set to off left out.</summary>
    public static List<RecipeDiagnostic> Report(QualityReport report, QualitySpec quality)
    {
        var result = new List<RecipeDiagnostic>();
        foreach (var f in report.Findings)
        {
            if (f.Check is not { } check)
            {
                result.Add(new RecipeDiagnostic("SFT0022", RecipeSeverity.Error, f.ReaderProblem + ".", f.File, f.Line, 1));
                continue;
            }
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
        return result.OrderBy(d => d.FilePath, StringComparer.Ordinal).ThenBy(d => d.Line).ToList();
    }

    private static FindingSeverity Severity(RecipeSeverity s) =>
        s == RecipeSeverity.Error ? FindingSeverity.Error : s == RecipeSeverity.Warning ? FindingSeverity.Warning : FindingSeverity.Info;

    private static int SourceLine(RecipeSourceMap map, int i)
    {
        foreach (var key in new[] { $"data.train[{i}].path", $"data.train[{i}]", "data.train" })
            if (map.Has(key)) return map.ValueOf(key).Line;
        return 1;
    }
}
