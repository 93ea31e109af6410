using System;
using System.Collections.Generic;

namespace DeclarativeSft.Recipes;

/// <summary>Checks one file a recipe references; dispatches on its kind. Never throws.</summary>
public static class ReferencedFileCheck
{
    /// <summary>Checks <paramref name="req"/> given the file's text (null when the file does not exist).</summary>
    /// <param name="tokenizerFiles">The recipe's tokenizer files (for the data checks' tokenizer); none when omitted.</param>
    /// <param name="notRegular">What the path is when it exists but is no regular file ("a character device" …, see
    /// <see cref="FileKinds"/>); its text is then never read.</param>
    public static FileCheckResult Check(FileRequirement req, string? text, RecipeTokenizerFiles? tokenizerFiles = null, string? notRegular = null)
    {
        tokenizerFiles ??= RecipeTokenizerFiles.None;
        var recipe = req.Spec.RecipePath;
        if (notRegular is not null)
        {
            var d = RecipeDiagnostics.NotARegularFile.At(recipe, req.Map.ValueOf(req.KeyPath), req.KeyPath, req.Path, notRegular);
            return new FileCheckResult(req.Kind, req.Path, recipe, EquatableArray.Of(d), -1, -1);
        }
        try
        {
            List<RecipeDiagnostic> diagnostics;
            int examples = -1;
            long trainedTokens = -1;
            var fingerprints = EquatableArray<Data.Quality.ExampleFingerprint>.Empty;
            switch (req.Kind)
            {
                case ReferencedFileKind.ModelConfig: diagnostics = ModelFileChecks.CheckConfig(req, text); break;
                case ReferencedFileKind.TokenizerJson: diagnostics = ModelFileChecks.CheckTokenizerJson(req, text, tokenizerFiles); break;
                case ReferencedFileKind.TokenizerConfig: diagnostics = ModelFileChecks.CheckTokenizerConfig(req, text); break;
                default:
                    if (text is null)
                    {
                        diagnostics = new List<RecipeDiagnostic> { RecipeDiagnostics.DataFileMissing.At(recipe, req.Map.ValueOf(req.KeyPath), req.Path) };
                        break;
                    }
                    var data = DataFileCheck.Check(req.Path, text, req.Spec, tokenizerFiles,
                        req.Kind == ReferencedFileKind.TrainData && req.SourceIndex >= 0 ? DatasetQuality.Sources(req.Spec, req.Map)[req.SourceIndex] : null, req.SourceIndex);
                    (diagnostics, examples, trainedTokens) = (data.Diagnostics, data.Examples, data.TrainedTokens);
                    fingerprints = data.Fingerprints.ToEquatableArray();
                    if (examples == 0 && !diagnostics.Exists(d => d.Severity == RecipeSeverity.Error))
                        diagnostics.Add(RecipeDiagnostics.NoExamples.At(recipe, req.Map.ValueOf(req.KeyPath), req.Path));
                    break;
            }
            return new FileCheckResult(req.Kind, req.Path, recipe, diagnostics.ToEquatableArray(), examples, trainedTokens, fingerprints);
        }
        catch (Exception ex)
        {
            var d = RecipeDiagnostics.InternalError.At(recipe, SourcePosition.Start, $"{req.Path}: {ex.GetType().Name}: {ex.Message}");
            return new FileCheckResult(req.Kind, req.Path, recipe, EquatableArray.Of(d), -1, -1);
        }
    }
}
