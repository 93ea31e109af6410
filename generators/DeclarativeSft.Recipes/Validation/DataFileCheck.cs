using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DeclarativeSft.Data;
using DeclarativeSft.Data.Quality;
using DeclarativeSft.Jinja;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Recipes;

/// <summary>What checking one data file found: diagnostics, the examples that train, and their trained tokens.</summary>
/// <param name="Examples">Examples that would be trained (read, labeled, not dropped).</param>
/// <param name="TrainedTokens">Tokens of those examples that contribute to the loss; -1 when no tokenizer was available.</param>
/// <param name="Rejected">1-based lines rejected with an error (for the differential test against the run).</param>
/// <param name="Fingerprints">The examples' fingerprints for the cross-file dataset checks (training sources only).</param>
public sealed record DataFileCheckResult(List<RecipeDiagnostic> Diagnostics, int Examples, long TrainedTokens, List<int> Rejected,
    IReadOnlyList<ExampleFingerprint> Fingerprints);

/// <summary>
/// Checks a JSONL data file with the run's own pipeline: <see cref="DatasetReader"/> reads each line, the recipe's
/// chat template renders it, its tokenizer tokenizes it, <see cref="LossMasker"/> labels it and
/// <see cref="Truncation.Judge"/> decides what training does with it. Diagnostics point at the data line.
/// </summary>
public static class DataFileCheck
{
    /// <summary>Diagnostics per file are capped so one broken file does not bury everything else.</summary>
    public const int MaxDiagnosticsPerFile = 20;

    /// <summary>Lines listed in a per-file summary (dropped examples, lost end-of-turn tokens).</summary>
    private const int ListedLines = 5;

    /// <summary>Checks <paramref name="text"/> (the contents of <paramref name="path"/>) for <paramref name="spec"/>.</summary>
    /// <param name="source">For a training source: its declaration, so that the dataset checks of <c>data.quality</c>
    /// run in the same pass (<see cref="SourceLint"/>); null for validation data.</param>
    /// <param name="sourceIndex">Its position in data.train.</param>
    public static DataFileCheckResult Check(string path, string text, RecipeSpec spec, RecipeTokenizerFiles tokenizerFiles,
        SourceDeclaration? source = null, int sourceIndex = -1)
    {
        var diagnostics = new List<RecipeDiagnostic>();
        var rejected = new List<int>();
        var format = spec.Data.Format;
        bool Report(DataFormatException e)
        {
            rejected.Add(e.Line);
            diagnostics.Add(ToDiagnostic(e, spec, format));
            return diagnostics.Count < MaxDiagnosticsPerFile;
        }
        if (format == DatasetFormat.Custom)
        {
            // Only the recipe's data.transform (C#, which the build cannot run) makes conversations of these lines: each
            // line is checked as the run's reader checks it before the transform sees it (SFT0078 says so); nothing is
            // known of its tokens, so the cross-file checks count lines.
            int lines = 0;
            DatasetReader.ReadJsonLines(text, path, _ => lines++, Report);
            return new DataFileCheckResult(diagnostics, lines, -1, rejected, Array.Empty<ExampleFingerprint>());
        }
        var masker = MaskerFor(spec, tokenizerFiles);
        var lint = masker is not null && source is not null && !DatasetQuality.AllOff(spec.Data.Quality)
            ? new SourceLint(source, sourceIndex, DatasetQuality.Settings(spec), SourceLint.Markers(masker.Template, masker.Tokenizer),
                DatasetQuality.CrossSourceChecks(spec.Data.Quality))
            : null;
        var truncation = spec.Data.Truncation;
        int examples = 0;
        long trained = masker is null ? -1 : 0;
        var dropped = new List<int>();
        var endOfTurnLost = new List<int>();

        DatasetReader.ReadText(text, path, format, conversation =>
        {
            if (diagnostics.Count >= MaxDiagnosticsPerFile) return;
            if (masker is null) { examples++; return; }
            try
            {
                var labeled = masker.Label(conversation.WithDefaultSystem(spec.Template.System));
                lint?.Observe(conversation, labeled);
                var verdict = Truncation.Judge(labeled, spec.Data.MaxSeqLen, truncation, masker.Options);
                switch (verdict.Fate)
                {
                    case ExampleFate.NothingToTrain:
                        Report(Truncation.NothingToTrain(labeled, masker.Options));
                        return;
                    case ExampleFate.Dropped:
                        dropped.Add(conversation.SourceLine);
                        return;
                    case ExampleFate.TruncatedToNothing:
                        diagnostics.Add(RecipeDiagnostics.TruncatedToNothing.At(path, new SourcePosition(conversation.SourceLine, 1),
                            spec.Data.MaxSeqLen, labeled.Length, FirstTrainedToken(labeled) + 1));
                        break;
                }
                if (verdict.EndOfTurnLost && verdict.Fate != ExampleFate.TruncatedToNothing) endOfTurnLost.Add(conversation.SourceLine); // SFT0040 says more
                examples++;
                trained += verdict.TrainedTokens;
            }
            catch (DataFormatException e)
            {
                Report(e);
            }
        }, Report);

        if (dropped.Count > 0)
            diagnostics.Add(RecipeDiagnostics.ExamplesDropped.At(path, new SourcePosition(dropped[0], 1), dropped.Count, spec.Data.MaxSeqLen, Lines(dropped)));
        if (endOfTurnLost.Count > 0)
            diagnostics.Add(RecipeDiagnostics.EndOfTurnNotTrained.At(path, new SourcePosition(endOfTurnLost[0], 1), endOfTurnLost.Count,
                spec.Data.Truncation == TruncationMode.Truncate ? "truncation cut it off" : "the tokenizer merges it into untrained text", Lines(endOfTurnLost)));
        IReadOnlyList<ExampleFingerprint> fingerprints = Array.Empty<ExampleFingerprint>();
        if (lint is not null)
        {
            var linted = lint.Finish();
            diagnostics.AddRange(DatasetQuality.Diagnostics(linted.Findings, spec.Data.Quality, besideBuildChecks: true));
            fingerprints = linted.Fingerprints;
        }
        return new DataFileCheckResult(diagnostics, examples, trained, rejected, fingerprints);
    }

    /// <summary>The recipe's masker, or null when its tokenizer or template cannot be made (the tokenizer files'
    /// own checks report why; the data is then only read).</summary>
    private static LossMasker? MaskerFor(RecipeSpec spec, RecipeTokenizerFiles files)
    {
        try
        {
            var tokenizer = TokenizerCache.For(spec, files);
            if (tokenizer is null) return null;
            var config = files.TokenizerConfig;
            var template = RecipeText.CreateTemplate(spec, tokenizer, config?.Path, config?.Text);
            return new LossMasker(tokenizer, template, RecipeText.MaskOptions(spec));
        }
        catch (Exception e) when (e is TokenizerLoadException or JinjaException or ChatTemplateException)
        {
            return null;
        }
    }

    private static int FirstTrainedToken(LabeledExample e)
    {
        for (int i = 0; i < e.Labels.Length; i++)
            if (e.Labels[i] != Labels.IgnoreIndex) return i;
        return -1;
    }

    private static string Lines(List<int> lines) =>
        string.Join(", ", lines.Take(ListedLines).Select(l => l.ToString(CultureInfo.InvariantCulture))) + (lines.Count > ListedLines ? ", …" : "");

    private static RecipeDiagnostic ToDiagnostic(DataFormatException e, RecipeSpec spec, DatasetFormat format)
    {
        var at = new SourcePosition(e.Line, e.Column);
        var formatName = DatasetFormats.NameOf(format);
        switch (e.Kind)
        {
            case DataProblemKind.NotText:
                return RecipeDiagnostics.DataLineNotJson.At(e.File, at, e.Problem);
            case DataProblemKind.NotUtf8:
                // The compiler decodes AdditionalFiles with replacement, so invalid UTF-8 arrives as U+FFFD, which the
                // reader refuses at its line:column as the run does.
                return RecipeDiagnostics.DataNotUtf8.At(e.File, at, e.Value ?? e.Problem);
            case DataProblemKind.NotJson:
                return RecipeDiagnostics.DataLineNotJson.At(e.File, at, e.Value ?? e.Problem);
            case DataProblemKind.MissingField:
                return RecipeDiagnostics.DataMissingField.At(e.File, at, Capitalized(e.Value ?? e.Problem), formatName, DatasetFormats.LayoutOf(format));
            case DataProblemKind.UnknownRole:
                var roles = DatasetFormats.RolesOf(format);
                var role = e.Value ?? "";
                return RecipeDiagnostics.DataUnknownRole.At(e.File, at, role, Suggestions.DidYouMean(role, roles), formatName, Suggestions.List(roles));
            case DataProblemKind.WrongOrder:
                return RecipeDiagnostics.DataWrongOrder.At(e.File, at, Capitalized(e.Problem));
            case DataProblemKind.TooLong:
                return RecipeDiagnostics.ExampleTooLong.At(e.File, at, e.Value, spec.Data.MaxSeqLen);
            case DataProblemKind.NoTrainedToken:
                var mode = RecipeNames.NameOf(RecipeNames.MaskModes, spec.Mask.TrainOn);
                var eos = spec.Mask.TrainEos ? "" : " with train_eos: false";
                return RecipeDiagnostics.NoTrainableToken.At(e.File, at, mode, eos,
                    e.Problem.Contains("assistant turn some content") ? "Give the assistant turn some content, or set mask.train_eos: true." : "Add an assistant turn, or use mask.train_on: all.");
            default:
                return RecipeDiagnostics.TemplateCannotRender.At(e.File, at, Capitalized(e.Problem));
        }
    }

    private static string Capitalized(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);
}
