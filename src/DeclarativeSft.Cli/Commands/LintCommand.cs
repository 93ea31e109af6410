using System.CommandLine;
using DeclarativeSft.Data;
using DeclarativeSft.Data.Quality;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Session;


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
        if (spec.Data.Format == DatasetFormat.Custom)
        {
            // The dataset checks look at conversations, and only the recipe's program makes them of custom lines.
            output.WriteLine(ComponentBinder.TransformNote(spec, parsed.Map)?.ToString());
            error.WriteLine($"{spec.RecipePath}: error: data.format is custom, so there are no conversations to lint: only the recipe's program runs data.transform '{spec.Data.Transform}' " +
                $"that makes them. Run `dotnet run --project {spec.RecipeDirectory} -- inspect` to see what it makes, and `sft validate` for the checks of the lines themselves.");
            return 1;
        }
        QualityReport report;
        try
        {
            var tokenizer = RecipeTextPipeline.CreateTokenizer(spec);
            var template = RecipeTextPipeline.CreateTemplate(spec, tokenizer);
            var masker = new LossMasker(tokenizer, template, RecipeTextPipeline.MaskOptions(spec));
            report = DatasetLinter.Run(DatasetQuality.Sources(spec, parsed.Map), masker, tokenizer, DatasetQuality.Settings(spec));
        }
        catch (UserErrorException e)
        {
            error.WriteLine($"{spec.RecipePath}: error: {e.Message}");
            return 1;
        }

        var lines = DatasetQuality.Diagnostics(report.Findings, spec.Data.Quality, besideBuildChecks: false);
        // sft cannot run the recipe project's transform: say that every finding is about the files as they are.
        if (ComponentBinder.TransformNote(spec, parsed.Map) is { } note) lines.Insert(0, note);
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

    private static FindingSeverity Severity(RecipeSeverity s) =>
        s == RecipeSeverity.Error ? FindingSeverity.Error : s == RecipeSeverity.Warning ? FindingSeverity.Warning : FindingSeverity.Info;
}
