using DeclarativeSft.Generators.Tests.Infrastructure;
using DeclarativeSft.Recipes;
using Microsoft.CodeAnalysis;
using static DeclarativeSft.Recipes.Tests.Fixtures.RecipeFixture;

namespace DeclarativeSft.Generators.Tests;

/// <summary>
/// Components named in a recipe (<c>eval.evaluators</c>, <c>hooks</c>) are checked against the recipe project's own
/// C# at the YAML item, and the generated program constructs them directly — compiled here against the real runtime.
/// </summary>
public class ComponentTests
{
    private const string Classes = """
        using DeclarativeSft.Runtime.Components;
        namespace Demo
        {
            public sealed class ScoreEvaluator : IEvaluator
            {
                public ScoreEvaluator(DeclarativeSft.Recipes.RecipeSpec recipe) { }
                public bool NeedsAnswers => true;
                public System.Collections.Generic.IReadOnlyList<EvaluationMetric> Score(EvaluationInput input) => [];
            }
            internal sealed class LogHook : ITrainingHook { }
            public abstract class AbstractEvaluator : IEvaluator
            {
                public bool NeedsAnswers => false;
                public System.Collections.Generic.IReadOnlyList<EvaluationMetric> Score(EvaluationInput input) => [];
            }
            public sealed class NeedsArgsEvaluator : IEvaluator
            {
                public NeedsArgsEvaluator(int seed) { }
                public bool NeedsAnswers => false;
                public System.Collections.Generic.IReadOnlyList<EvaluationMetric> Score(EvaluationInput input) => [];
            }
            public class Outer
            {
                private sealed class HiddenEvaluator : IEvaluator
                {
                    public bool NeedsAnswers => false;
                    public System.Collections.Generic.IReadOnlyList<EvaluationMetric> Score(EvaluationInput input) => [];
                }
            }
            public sealed class Helper { }
            public sealed class LowercaseTransform : IExampleTransform
            {
                public DeclarativeSft.Data.Conversation? Transform(DeclarativeSft.Data.Conversation c) => c;
            }
            public sealed class TicketReader : IJsonLineTransform
            {
                public DeclarativeSft.Data.Conversation? Transform(JsonLine line) => line.Conversation(
                    new DeclarativeSft.Data.ChatMessage("user", line.Json.GetProperty("q").GetString()!),
                    new DeclarativeSft.Data.ChatMessage("assistant", line.Json.GetProperty("a").GetString()!));
            }
            public sealed class EitherWay : IExampleTransform, IJsonLineTransform
            {
                public DeclarativeSft.Data.Conversation? Transform(DeclarativeSft.Data.Conversation c) => c;
                public DeclarativeSft.Data.Conversation? Transform(JsonLine line) => null;
            }
            public sealed class LengthEvaluator : IEvaluator
            {
                public bool NeedsAnswers => true;
                public System.Collections.Generic.IReadOnlyList<EvaluationMetric> Score(EvaluationInput input) => [];
            }
        }
        namespace Other
        {
            public sealed class ScoreEvaluator { }
            public sealed class LengthEvaluator : IEvaluator
            {
                public bool NeedsAnswers => true;
                public System.Collections.Generic.IReadOnlyList<EvaluationMetric> Score(EvaluationInput input) => [];
            }
        }
        """;

    // Recipe lines 26-28 (the fixture has 25 lines).
    private static string WithComponents(string evaluators, string hooks = "[]") =>
        Recipe + "eval:\n" + $"  evaluators: {evaluators}\n" + $"hooks: {hooks}\n";

    // data.transform goes on line 14, after max_seq_len; everything below moves down one line.
    private static string WithTransform(string transform) =>
        Recipe.Replace("  max_seq_len: 512\n", $"  max_seq_len: 512\n  transform: {transform}\n");

    // data.format: custom on line 11, data.transform on line 12; everything below moves down one line.
    private static string WithJsonLineTransform(string transform) =>
        Recipe.Replace("  format: messages\n", $"  format: custom\n  transform: {transform}\n");

    private static List<AdditionalText> Inputs(string recipe) =>
        Files().Select(f => (AdditionalText)new InMemoryAdditionalText(f.Key, f.Value)).Prepend(new InMemoryAdditionalText(RecipePath, recipe)).ToList();

    private static (GeneratorDriverRunResult Result, Compilation Output, List<Diagnostic> Recipe) Run(string recipe, OutputKind kind = OutputKind.ConsoleApplication)
    {
        var compilation = GeneratorHarness.Compilation(kind, withRuntime: true, Classes);
        var driver = GeneratorHarness.Driver(Inputs(recipe)).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (driver.GetRunResult(), output, diagnostics.Where(d => d.Id.StartsWith("SFT", StringComparison.Ordinal)).ToList());
    }

    private static Diagnostic Single(List<Diagnostic> diagnostics, string id)
    {
        Assert.True(diagnostics.Count(d => d.Id == id) == 1, $"expected one {id}; got:\n{string.Join("\n", diagnostics)}");
        return diagnostics.Single(d => d.Id == id);
    }

    private static (int Line, int Column) At(Diagnostic d)
    {
        var p = d.Location.GetLineSpan().StartLinePosition;
        return (p.Line + 1, p.Character + 1);
    }

    [Fact]
    public void Named_components_are_constructed_directly_and_the_program_compiles()
    {
        var (result, output, diagnostics) = Run(WithComponents("[validation_loss, exact_match, ScoreEvaluator]", "[Demo.LogHook]"));

        Assert.Empty(diagnostics);
        var source = Assert.Single(result.GeneratedTrees).ToString();
        ExpectedFile.Match(source, "DemoRecipeWithComponents.g.cs");
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void A_data_transform_is_constructed_directly_and_the_build_says_its_checks_see_the_untransformed_data()
    {
        var (result, output, diagnostics) = Run(WithTransform("LowercaseTransform"));

        var info = Single(diagnostics, "SFT0077");
        Assert.Equal(DiagnosticSeverity.Info, info.Severity);
        Assert.Equal((14, 14), At(info));
        Assert.Contains("before the transform", info.GetMessage());
        Assert.Single(diagnostics);
        var source = Assert.Single(result.GeneratedTrees).ToString();
        Assert.Contains("Transform: global::DeclarativeSft.Runtime.Components.DataTransform.OfConversations(new global::Demo.LowercaseTransform()));", source);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void A_custom_format_transform_is_constructed_as_a_json_line_reader_and_the_build_says_it_checked_the_lines_only_as_json()
    {
        var (result, output, diagnostics) = Run(WithJsonLineTransform("TicketReader"));

        var info = Single(diagnostics, "SFT0078");
        Assert.Equal((DiagnosticSeverity.Info, (12, 14)), (info.Severity, At(info)));
        Assert.Single(diagnostics);
        var source = Assert.Single(result.GeneratedTrees).ToString();
        ExpectedFile.Match(source, "DemoRecipeWithJsonLineTransform.g.cs");
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Theory]
    [InlineData("  format: custom\n", "OfJsonLines")]
    [InlineData("  format: messages\n", "OfConversations")]
    public void A_class_of_both_kinds_is_used_as_the_kind_its_data_format_needs(string format, string factory)
    {
        var recipe = Recipe.Replace("  format: messages\n", format + "  transform: EitherWay\n");

        var (result, output, diagnostics) = Run(recipe);

        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains($"Transform: global::DeclarativeSft.Runtime.Components.DataTransform.{factory}(new global::Demo.EitherWay()));", Assert.Single(result.GeneratedTrees).ToString());
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Theory]
    [InlineData("  format: custom\n  transform: LowercaseTransform\n", 12, "does not implement DeclarativeSft.Runtime.Components.IJsonLineTransform (it is an IExampleTransform")]
    [InlineData("  format: messages\n  transform: TicketReader\n", 12, "does not implement DeclarativeSft.Runtime.Components.IExampleTransform (it is an IJsonLineTransform: name it under data.transform with data.format: custom)")]
    public void A_transform_of_the_other_kind_than_its_data_format_needs_fails_at_its_yaml_line(string data, int line, string part)
    {
        var (_, _, diagnostics) = Run(Recipe.Replace("  format: messages\n", data));

        var d = Single(diagnostics, "SFT0071");
        Assert.Equal((line, 14), At(d));
        Assert.Contains(part, d.GetMessage());
    }

    [Theory]
    [InlineData("LowercaseTransfrom", "SFT0070", "Did you mean 'LowercaseTransform'?")]
    [InlineData("Demo.ScoreEvaluator", "SFT0071", "it is an IEvaluator: name it under eval.evaluators")]
    [InlineData("Helper", "SFT0071", "does not implement DeclarativeSft.Runtime.Components.IExampleTransform")]
    public void A_data_transform_that_cannot_be_used_fails_at_its_yaml_line(string transform, string id, string part)
    {
        var (_, _, diagnostics) = Run(WithTransform(transform));

        var d = Single(diagnostics, id);
        Assert.Equal((14, 14), At(d));
        Assert.Contains(part, d.GetMessage());
        Assert.DoesNotContain(diagnostics, x => x.Id == "SFT0077");
    }

    [Fact]
    public void Misspelt_evaluator_fails_at_its_yaml_item_with_a_suggestion()
    {
        var (_, _, diagnostics) = Run(WithComponents("[validation_loss, ScoreEvalutor]"));

        var d = Single(diagnostics, "SFT0070");
        Assert.Equal((27, 33), At(d));
        Assert.Equal(RecipePath, d.Location.GetLineSpan().Path);
        Assert.Contains("Did you mean 'ScoreEvaluator'?", d.GetMessage());
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
    }

    [Fact]
    public void Misspelt_built_in_gets_the_built_in_suggested()
    {
        var (_, _, diagnostics) = Run(WithComponents("[exact_mach]"));

        Assert.Contains("Did you mean 'exact_match'?", Single(diagnostics, "SFT0070").GetMessage());
    }

    [Theory]
    [InlineData("[Helper]", "SFT0071", "does not implement DeclarativeSft.Runtime.Components.IEvaluator")]
    [InlineData("[LogHook]", "SFT0071", "it is an ITrainingHook: name it under hooks")]
    [InlineData("[AbstractEvaluator]", "SFT0072", "it is abstract")]
    [InlineData("[NeedsArgsEvaluator]", "SFT0072", "(int seed)")]
    [InlineData("[HiddenEvaluator]", "SFT0073", "private")]
    [InlineData("[LengthEvaluator]", "SFT0074", "Demo.LengthEvaluator, Other.LengthEvaluator")]
    public void A_class_that_cannot_be_used_fails_with_its_own_message(string evaluators, string id, string part)
    {
        var (_, _, diagnostics) = Run(WithComponents(evaluators));

        var d = diagnostics.First(x => x.Id == id);
        Assert.Equal(27, At(d).Line);
        Assert.Contains(part, d.GetMessage());
    }

    [Fact]
    public void A_hook_named_as_a_hook_passes_and_an_evaluator_named_as_a_hook_fails()
    {
        Assert.Empty(Run(WithComponents("[validation_loss]", "[LogHook]")).Recipe);
        var d = Single(Run(WithComponents("[validation_loss]", "[Demo.ScoreEvaluator]")).Recipe, "SFT0071");
        Assert.Equal((28, 9), At(d));
        Assert.Contains("name it under eval.evaluators", d.GetMessage());
    }

    [Fact]
    public void The_same_evaluator_twice_is_a_warning_naming_the_first_line()
    {
        var d = Single(Run(WithComponents("[Demo.ScoreEvaluator, ScoreEvaluator]".Replace(", ScoreEvaluator", ",\n    Demo.ScoreEvaluator"))).Recipe, "SFT0075");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("first at line 27", d.GetMessage());
    }

    [Fact]
    public void Editing_a_method_body_keeps_the_catalog_and_the_generated_code_cached()
    {
        var compilation = GeneratorHarness.Compilation(OutputKind.ConsoleApplication, withRuntime: true, Classes);
        var driver = GeneratorHarness.Driver(Inputs(WithComponents("[ScoreEvaluator]"))).RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var edited = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(tree.ToString().Replace("=> [];", "=> new EvaluationMetric[0];")));
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, edited));
        var steps = driver.GetRunResult().Results[0].TrackedSteps;

        Assert.NotEqual(tree.ToString(), edited.ToString());
        // The class models of the edited file come out equal, so nothing downstream re-runs.
        foreach (var name in new[] { TrackingNames.ComponentClasses, TrackingNames.ComponentCatalog, TrackingNames.ComponentBindings, TrackingNames.Emitted })
            Assert.All(steps[name].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {o.Reason}"));
    }

    [Fact]
    public void Naming_a_class_in_a_project_without_the_runtime_is_an_error()
    {
        var compilation = GeneratorHarness.Compilation(OutputKind.DynamicallyLinkedLibrary, withRuntime: false, "namespace Demo { public sealed class ScoreEvaluator { } }");
        GeneratorHarness.Driver(Inputs(WithComponents("[ScoreEvaluator]"))).RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics);
        Assert.Contains(diagnostics, d => d.Id == "SFT0076");
    }
}
