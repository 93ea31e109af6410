using System.Collections;
using System.Reflection;
using DeclarativeSft.Generators.Tests.Infrastructure;
using DeclarativeSft.Recipes;
using Microsoft.CodeAnalysis;
using DeclarativeSft.Recipes.Tests.Fixtures;
using static DeclarativeSft.Recipes.Tests.Fixtures.RecipeFixture;

namespace DeclarativeSft.Generators.Tests;

public class GeneratorTests
{
    private static List<AdditionalText> Inputs(string recipe, Dictionary<string, string>? files = null) =>
        (files ?? Files()).Select(f => (AdditionalText)new InMemoryAdditionalText(f.Key, f.Value))
            .Prepend(new InMemoryAdditionalText(RecipePath, recipe)).ToList();

    [Fact]
    public void Generated_source_matches_the_expected_file_and_compiles()
    {
        var (result, output, diagnostics) = GeneratorHarness.Run(Inputs(Recipe));
        Assert.Empty(diagnostics);
        var source = Assert.Single(result.GeneratedTrees);
        Assert.EndsWith("DemoRecipe.g.cs", source.FilePath);
        ExpectedFile.Match(source.ToString(), "DemoRecipe.g.cs");
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Emitted_Spec_rebuilds_exactly_the_parsed_spec()
    {
        foreach (var recipe in new[]
                 {
                     Recipe,
                     With("  format: chatml", "  format: custom\n  tokens: { system: [\"<S>\", \"</S>\"], user: [\"<U>\", \"</U>\"], assistant: [\"<A>\", \"a\\\"q\"] }\n  add_special_tokens: true\n  system: \"line1\\nline2 \\\\ é\"")
                         .Replace("  target_modules: [q_proj, v_proj]", "  target_modules: all-linear\n  modules_to_save: [embed_tokens, lm_head]"),
                 })
        {
            var (_, output, diagnostics) = GeneratorHarness.Run(Inputs(recipe));
            Assert.Empty(diagnostics);
            using var stream = new MemoryStream();
            var emit = output.Emit(stream);
            Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
            var assembly = Assembly.Load(stream.ToArray());
            var type = assembly.GetType("DeclarativeSft.Recipes.Generated.DemoRecipe")!;
            var emitted = (RecipeSpec)type.GetProperty("Spec")!.GetValue(null)!;
            // The program holds paths relative to the recipe folder and resolves them where it runs.
            var parsed = RecipeParser.Parse(RecipePath, recipe).Spec!;
            Assert.Equal(parsed, RecipePaths.ResolvedAgainst(emitted, parsed.RecipeDirectory));
            Assert.Equal(("recipe.sft.yaml", ".", "data/train.jsonl", "../models/m"),
                (emitted.RecipePath, emitted.RecipeDirectory, emitted.Data.Train[0].Path, emitted.Model.Path));
            var moved = RecipePaths.ResolvedAgainst(emitted, Path.Combine(Root, "elsewhere"));
            Assert.Equal((Path.Combine(Root, "elsewhere", "data", "train.jsonl"), Path.Combine(Root, "models", "m")), (moved.Data.Train[0].Path, moved.Model.Path));
        }
    }

    [Fact]
    public void Diagnostics_are_reported_at_the_yaml_line_and_column_in_msbuild_format()
    {
        var (_, _, diagnostics) = GeneratorHarness.Run(Inputs(With("  learning_rate:", "  lerning_rate:")));
        var d = Assert.Single(diagnostics);
        Assert.Equal("SFT0002", d.Id);
        var span = d.Location.GetLineSpan();
        Assert.Equal((RecipePath, 21, 2), (span.Path, span.StartLinePosition.Line, span.StartLinePosition.Character));
        Assert.Contains("learning_rate", d.GetMessage());
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
    }

    [Fact]
    public void Data_file_problems_are_reported_in_the_data_file_and_missing_files_at_the_yaml()
    {
        var files = Files();
        files[DataPath] = DataWithLine(3, "{oops");
        files.Remove(ConfigPath);
        var (_, _, diagnostics) = GeneratorHarness.Run(Inputs(Recipe, files));
        var data = Assert.Single(diagnostics, d => d.Id == "SFT0021");
        Assert.Equal((DataPath, 2), (data.Location.GetLineSpan().Path, data.Location.GetLineSpan().StartLinePosition.Line));
        var config = Assert.Single(diagnostics, d => d.Id == "SFT0010");
        Assert.Equal((RecipePath, 2, 8), (config.Location.GetLineSpan().Path, config.Location.GetLineSpan().StartLinePosition.Line, config.Location.GetLineSpan().StartLinePosition.Character));
    }

    [Fact]
    public void Executable_gets_Main_that_calls_the_host_only_when_the_runtime_is_referenced()
    {
        var (result, output, _) = GeneratorHarness.Run(Inputs(Recipe), OutputKind.ConsoleApplication);
        var text = Assert.Single(result.GeneratedTrees).ToString();
        Assert.Contains("static int Main(string[] args)", text);
        Assert.DoesNotContain("RecipeHost", text); // no runtime reference in this compilation
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var (broken, brokenOutput, diagnostics) = GeneratorHarness.Run(Inputs(With("  r: 8", "  r: x")), OutputKind.ConsoleApplication);
        Assert.Contains(diagnostics, d => d.Id == "SFT0003");
        Assert.DoesNotContain(brokenOutput.GetDiagnostics(), d => d.Id == "CS5001");
    }

    [Fact]
    public void Second_run_with_same_inputs_is_fully_cached()
    {
        var inputs = Inputs(Recipe);
        var compilation = GeneratorHarness.Compilation(sources: "namespace Demo { public sealed class Notes { } }");
        var driver = GeneratorHarness.Driver(inputs).RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.Clone());
        var steps = driver.GetRunResult().Results[0].TrackedSteps;
        var names = typeof(TrackingNames).GetFields().Select(f => (string)f.GetValue(null)!).ToList();
        foreach (var name in names)
        {
            Assert.True(steps.ContainsKey(name), $"step {name} was not tracked");
            foreach (var step in steps[name])
                foreach (var (_, reason) in step.Outputs)
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {reason}");
        }
    }

    [Fact]
    public void Editing_a_data_file_does_not_reparse_the_recipe_or_recheck_other_files()
    {
        var inputs = Inputs(Recipe);
        var compilation = GeneratorHarness.Compilation();
        var driver = GeneratorHarness.Driver(inputs).RunGenerators(compilation);
        var data = inputs.Single(t => t.Path == DataPath);
        driver = driver.ReplaceAdditionalText(data, new InMemoryAdditionalText(DataPath, RecipeFixture.Data(41))).RunGenerators(compilation);
        var steps = driver.GetRunResult().Results[0].TrackedSteps;

        Assert.All(steps[TrackingNames.ParsedRecipes].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.All(steps[TrackingNames.Emitted].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        var checks = steps[TrackingNames.FileChecks].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Equal(1, checks.Count(r => r is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New));
        Assert.Equal(3, checks.Count(r => r is IncrementalStepRunReason.Cached));
    }

    [Fact]
    public void Pipeline_outputs_hold_no_compilation_objects()
    {
        var driver = GeneratorHarness.Driver(Inputs(Recipe)).RunGenerators(GeneratorHarness.Compilation());
        var ours = typeof(TrackingNames).GetFields().Select(f => (string)f.GetValue(null)!).Except(new[] { TrackingNames.HasRuntime }).ToHashSet();
        foreach (var (name, steps) in driver.GetRunResult().Results[0].TrackedSteps.Where(s => ours.Contains(s.Key)))
            foreach (var step in steps)
                foreach (var (value, _) in step.Outputs)
                    AssertNoCompilationObjects(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance), 0);
    }

    private static void AssertNoCompilationObjects(object? value, string step, HashSet<object> seen, int depth)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || depth > 12) return;
        Assert.False(value is Compilation or ISymbol or SyntaxNode or SyntaxTree or Location or SemanticModel or AdditionalText,
            $"step {step} outputs a {value.GetType().Name}");
        if (!value.GetType().IsValueType && !seen.Add(value)) return;
        if (value is IEnumerable items)
        {
            foreach (var item in items) AssertNoCompilationObjects(item, step, seen, depth + 1);
            return;
        }
        foreach (var p in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
                AssertNoCompilationObjects(p.GetValue(value), step, seen, depth + 1);
        foreach (var f in value.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance))
            AssertNoCompilationObjects(f.GetValue(value), step, seen, depth + 1);
    }
}
