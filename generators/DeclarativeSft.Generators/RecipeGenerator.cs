using System;
using System.Collections.Immutable;
using System.Linq;
using DeclarativeSft.Recipes;
using Microsoft.CodeAnalysis;

namespace DeclarativeSft.Generators;

/// <summary>
/// Compiles <c>*.sft.yaml</c> recipes (AdditionalFiles) into typed recipe classes and the program entry point, and
/// reports every problem of the recipe, its model folder and its data files as build diagnostics. This file is the
/// pipeline only; parsing and checks live in DeclarativeSft.Recipes, code generation in <see cref="RecipeEmitter"/>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class RecipeGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // 1. Recipe files → parsed recipes (spec + diagnostics + source map), one per file.
        var recipes = context.AdditionalTextsProvider
            .Where(static t => RecipeFileNames.IsRecipe(t.Path))
            .Select(static (t, ct) => new RecipeSource(RecipeFileNames.Normalize(t.Path), t.GetText(ct)?.ToString()))
            .WithTrackingName(TrackingNames.RecipeFiles)
            .Select(static (source, _) => GeneratorSafety.Parse(source))
            .WithTrackingName(TrackingNames.ParsedRecipes);

        // 2. Which files each recipe depends on, gathered from all recipes.
        var requirements = recipes
            .Select(static (parsed, _) => RecipeFileRequirements.For(parsed))
            .WithTrackingName(TrackingNames.FileRequirements)
            .Collect()
            .Select(static (all, _) => all.SelectMany(r => r).ToEquatableArray())
            .WithTrackingName(TrackingNames.AllFileRequirements);

        // 3. Referenced files (data, config.json, tokenizer files) that MSBuild passed as AdditionalFiles;
        //    each is checked on its own, so editing one data file re-checks only that file.
        var files = context.AdditionalTextsProvider
            .Where(static t => !RecipeFileNames.IsRecipe(t.Path))
            .Select(static (t, ct) => new ReferencedFileText(RecipeFileNames.Normalize(t.Path), t.GetText(ct)?.ToString()))
            .WithTrackingName(TrackingNames.ReferencedFiles);
        // 3a. The tokenizer files among them, as text + content hash: equal when the content is, so an unchanged
        //     tokenizer keeps every data check cached; the loaded tokenizer (not equatable) is found by that hash.
        var tokenizerFiles = files
            .Combine(requirements)
            .Select(static (pair, _) => GeneratorSafety.TokenizerText(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.TokenizerFiles)
            .Collect()
            .Select(static (all, _) => all.Where(t => t is not null).Select(t => t!).ToEquatableArray())
            .WithTrackingName(TrackingNames.AllTokenizerFiles);
        var fileChecks = files
            .Combine(requirements)
            .Combine(tokenizerFiles)
            .Select(static (pair, _) => GeneratorSafety.CheckFile(pair.Left.Left, pair.Left.Right, pair.Right))
            .WithTrackingName(TrackingNames.FileChecks);

        // 4. Required files that were not passed at all: missing on disk, or no regular file (/dev/zero, a FIFO, a
        //    folder), which the build lists in a property instead of letting the compiler read it.
        var paths = files
            .Select(static (f, _) => f.Path)
            .WithTrackingName(TrackingNames.ReferencedPaths)
            .Collect();
        var notRegular = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => NotRegularInput.ParseList(
                options.GlobalOptions.TryGetValue("build_property.SftNotRegularRecipeInputs", out var value) ? value : null))
            .WithTrackingName(TrackingNames.NotRegularInputs);
        var missingChecks = requirements
            .Combine(paths.Combine(notRegular))
            .Select(static (pair, _) => GeneratorSafety.CheckMissing(pair.Left, pair.Right.Left, pair.Right.Right))
            .WithTrackingName(TrackingNames.MissingFileChecks);

        // 5. Checks across files (example counts → batch, warmup, validation split).
        var crossChecks = recipes
            .Combine(fileChecks.Collect().Combine(missingChecks))
            .Select(static (pair, _) => GeneratorSafety.CrossCheck(pair.Left, pair.Right.Left, pair.Right.Right))
            .WithTrackingName(TrackingNames.CrossChecks);

        // 6. What the compilation is, and its classes a recipe may name as components (eval.evaluators, hooks),
        //    bound to each recipe's names.
        var traits = context.CompilationProvider
            .Select(static (c, _) => new CompilationTraits(
                c.Options.OutputKind is OutputKind.ConsoleApplication or OutputKind.WindowsApplication,
                c.GetTypeByMetadataName("DeclarativeSft.Runtime.Hosting.RecipeHost") is not null))
            .WithTrackingName(TrackingNames.HasRuntime);
        var catalog = context.SyntaxProvider
            .CreateSyntaxProvider(static (node, _) => ComponentCandidates.IsClass(node), static (ctx, ct) => ComponentCandidates.From(ctx, ct))
            .Where(static c => c is not null)
            .Select(static (c, _) => c!)
            .WithTrackingName(TrackingNames.ComponentClasses)
            .Collect()
            .Combine(traits)
            .Select(static (pair, _) => ComponentCandidates.Catalog(pair.Left, pair.Right.HasRuntime))
            .WithTrackingName(TrackingNames.ComponentCatalog);
        var bindings = recipes
            .Combine(catalog)
            .Select(static (pair, _) => GeneratorSafety.Bind(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.ComponentBindings);

        // 7. Code: the typed recipe and its components, plus Main when the runtime is referenced.
        var firstRecipe = recipes.Select(static (r, _) => r.Map.RecipePath).Collect()
            .Select(static (all, _) => all.OrderBy(p => p, StringComparer.Ordinal).FirstOrDefault() ?? "");
        var emitted = bindings
            .Combine(traits.Combine(firstRecipe))
            .Select(static (pair, _) => GeneratorSafety.Emit(new EmitRequest(
                pair.Left.Parsed.Map.RecipePath, pair.Left.Parsed.Spec, pair.Left.Components, pair.Right.Left,
                pair.Left.Parsed.Map.RecipePath == pair.Right.Right)))
            .WithTrackingName(TrackingNames.Emitted);

        context.RegisterSourceOutput(recipes, static (spc, parsed) => DiagnosticReporter.Report(spc, parsed.Diagnostics));
        context.RegisterSourceOutput(fileChecks, static (spc, batch) => DiagnosticReporter.Report(spc, batch.Diagnostics));
        context.RegisterSourceOutput(missingChecks, static (spc, batch) => DiagnosticReporter.Report(spc, batch.Diagnostics));
        context.RegisterSourceOutput(crossChecks, static (spc, batch) => DiagnosticReporter.Report(spc, batch.Diagnostics));
        context.RegisterSourceOutput(bindings, static (spc, bound) => DiagnosticReporter.Report(spc, bound.Components.Diagnostics));
        context.RegisterSourceOutput(emitted, static (spc, source) =>
        {
            if (source is not null) spc.AddSource(source.HintName, source.Text);
        });
    }
}
