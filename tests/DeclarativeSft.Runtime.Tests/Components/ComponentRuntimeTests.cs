using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Evaluation;
using DeclarativeSft.Runtime.Hosting;
using DeclarativeSft.Runtime.Session;
using DeclarativeSft.Runtime.Training;

namespace DeclarativeSft.Runtime.Tests.Components;

/// <summary>The runtime side of recipe components: built-ins, held-out answering input, hooks.</summary>
public class ComponentRuntimeTests
{
    [Fact]
    public void Every_built_in_name_the_generator_knows_constructs_the_class_it_emits()
    {
        Assert.NotEmpty(BuiltInComponents.Evaluators);
        foreach (var b in BuiltInComponents.Evaluators)
        {
            var evaluator = BuiltInEvaluators.Create(b.Name);
            Assert.True(evaluator is not null, $"{b.Name} is not built in at run time");
            Assert.Equal(b.TypeName, evaluator!.GetType().FullName);
        }
        Assert.Null(BuiltInEvaluators.Create("UnitTestEvaluator"));
    }

    [Fact]
    public void A_spec_naming_a_project_class_is_refused_without_its_generated_program()
    {
        var spec = ShippedSpec("code-assistant");
        var e = Assert.Throws<RecipeRunException>(() => RecipeComponents.BuiltIn(spec));
        Assert.Contains("UnitTestEvaluator", e.Message);
        Assert.Contains("dotnet run --project", e.Message);
        var builtIn = RecipeComponents.BuiltIn(spec with { Eval = spec.Eval with { Evaluators = EquatableArray.Of("validation_loss", "perplexity") } });
        Assert.Equal([typeof(ValidationLossEvaluator), typeof(PerplexityEvaluator)], builtIn.Evaluators.Select(e => e.GetType()));
    }

    [Fact]
    public void Held_out_prompts_are_the_turns_before_the_final_answer_with_the_whole_line_kept()
    {
        using var dir = new TempFolder();
        var path = dir["heldout.jsonl"];
        File.WriteAllLines(path, [
            """{"id": "a-1", "tests": [1], "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "q1"}, {"role": "assistant", "content": "r1"}]}""",
            "",
            """{"messages": [{"role": "user", "content": "q2"}, {"role": "assistant", "content": "r2"}, {"role": "user", "content": "q3"}, {"role": "assistant", "content": "r3"}]}""",
        ]);

        var prompts = HeldOutAnswering.Read(Messages(path));

        Assert.Equal(["a-1", "line-3"], prompts.Select(p => p.Id));
        Assert.Equal([1, 3], prompts.Select(p => p.Line));
        Assert.Equal(["system", "user"], prompts[0].Prompt.Select(m => m.Role));
        Assert.Equal("r1", prompts[0].Reference);
        Assert.NotNull(prompts[0].Item["tests"]);
        Assert.Equal(["q2", "r2", "q3"], prompts[1].Prompt.Select(m => m.Content));
        Assert.Equal("r3", prompts[1].Reference);
        Assert.Single(HeldOutAnswering.Read(Messages(path), limit: 1));
    }

    [Fact]
    public void With_a_validation_split_the_held_out_prompts_are_the_examples_validation_loss_is_measured_on()
    {
        using var dir = new TempFolder();
        var first = dir["first.jsonl"];
        var second = dir["second.jsonl"];
        string Line(string file, int i) =>
            $$"""{"messages": [{"role": "user", "content": "{{file}} q{{i}}"}, {"role": "assistant", "content": "{{file}} a{{i}}"}]}""";
        File.WriteAllLines(first, Enumerable.Range(1, 20).Select(i => Line("first", i)));
        // Windows line ends, a blank line and a line with an id of its own: numbered and kept as the data reader has them.
        File.WriteAllText(second, string.Join("\r\n", Enumerable.Range(1, 10).Select(i => i == 4 ? "" : i == 6
            ? """{"id": "mine", "messages": [{"role": "user", "content": "second q6"}, {"role": "assistant", "content": "second a6"}]}"""
            : Line("second", i))) + "\r\n");
        var text = $"name: split\nmodel:\n  init: {{ preset: tiny, seed: 1 }}\ntokenizer: builtin:bytes\n"
                   + $"data:\n  train: [{first}, {second}]\n  validation: {{ split: 0.3 }}\ntraining:\n  seed: 7\n";
        var parsed = RecipeParser.Parse(dir.Write("recipe.sft.yaml", text), text);
        Assert.True(parsed.Spec is { } _, string.Join("\n", parsed.Diagnostics));
        var spec = parsed.Spec!;
        var options = RecipeTextPipeline.DataOptions(spec, spec.Training.Seed, transform: null);

        var prompts = HeldOutAnswering.Read(options);

        // The oracle: the validation examples of the labeled data training uses, by file and line.
        var tokenizer = RecipeTextPipeline.CreateTokenizer(spec);
        var masker = new LossMasker(tokenizer, RecipeTextPipeline.CreateTemplate(spec, tokenizer), RecipeTextPipeline.MaskOptions(spec));
        var validation = DataPipeline.Label(options, masker).ValidationBySource.SelectMany(v => v.Kept).ToList();
        Assert.Equal(validation.Select(v => (v.Source.SourceFile, v.Source.SourceLine)), prompts.Select(p => (p.File, p.Line)));
        Assert.Equal(6 + 3, prompts.Count);
        Assert.Contains(prompts, p => p.File == first);
        Assert.Contains(prompts, p => p.File == second);
        foreach (var p in prompts)
        {
            string name = Path.GetFileNameWithoutExtension(p.File);
            int i = int.Parse(((string)p.Item["messages"]![0]!["content"]!).Split(" q")[1]);
            Assert.Equal(i, p.Line); // the kept JSON is that line's
            Assert.Equal($"{name} q{i}", p.Prompt.Single().Content);
            Assert.Equal($"{name} a{i}", p.Reference);
            Assert.Equal(p.Item["id"] is null ? $"{name}.jsonl:line-{p.Line}" : "mine", p.Id);
        }
    }

    [Fact]
    public void A_malformed_held_out_line_is_reported_at_its_line_by_the_training_data_reader()
    {
        using var dir = new TempFolder();
        var path = dir["heldout.jsonl"];
        File.WriteAllLines(path, ["""{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}""", """{"messages": [{"role": "user"}]}"""]);
        var e = Assert.Throws<DeclarativeSft.Data.DataFormatException>(() => HeldOutAnswering.Read(Messages(path)));
        Assert.Contains(path + ":2:", e.Message);
    }

    [Fact]
    public void Built_in_metrics_follow_from_the_loss_and_the_answers()
    {
        var spec = ShippedSpec("chat-lora");
        var answers = new HeldOutAnswers([
            new("x", "h.jsonl", 1, [], "four", " four\n", new System.Text.Json.Nodes.JsonObject()),
            new("y", "h.jsonl", 2, [], "five", "six", new System.Text.Json.Nodes.JsonObject()),
            new("z", "h.jsonl", 3, [], "Seven", "seven", new System.Text.Json.Nodes.JsonObject()),
        ]);
        var input = new EvaluationInput(spec, 1.5, answers);

        Assert.Equal(1.5, new ValidationLossEvaluator().Score(input).Single().Value);
        Assert.Equal(Math.Exp(1.5), new PerplexityEvaluator().Score(input).Single().Value!.Value, 12);
        var exact = new ExactMatchEvaluator().Score(input).Single();
        Assert.Equal("exact match (3 items)", exact.Label);
        Assert.Equal(1 / 3.0, exact.Value!.Value, 12); // whitespace at the ends is ignored, case is not
        var none = new ExactMatchEvaluator().Score(input with { Answers = null }).Single();
        Assert.Null(none.Value);
        Assert.Contains("data.validation", none.Note);
    }

    [Fact]
    public void Hooks_see_every_step_and_evaluation_the_progress_sees()
    {
        var hook = new RecordingHook();
        var inner = new RecordingProgress();
        ITrainingProgress progress = new HookedProgress(inner, [hook]);

        progress.Step(1, 3, 2.5, 1e-3, 100, TimeSpan.Zero);
        progress.Step(2, 3, 2.0, 1e-3, 100, TimeSpan.Zero);
        progress.Evaluated(2, 1.75);

        Assert.Equal([(1, 3, 2.5), (2, 3, 2.0)], hook.Steps.Select(s => (s.Step, s.TotalSteps, s.Loss)));
        Assert.Equal([(2, 1.75)], hook.Evaluations.Select(e => (e.Step, e.ValidationLoss)));
        Assert.Equal(2, inner.Steps);
        Assert.Equal(1, inner.Evaluations);
    }

    /// <summary>Data options of a messages-format recipe whose validation file is <paramref name="path"/>.</summary>
    private static DeclarativeSft.Data.DataPipelineOptions Messages(string path) =>
        DeclarativeSft.Data.DataPipelineOptions.ForFiles([path], DeclarativeSft.Data.DatasetFormat.Messages, 512) with { ValidationFile = path };

    private static RecipeSpec ShippedSpec(string recipe)
    {
        var path = Path.Combine(RepoPaths.Recipe(recipe), "recipe.sft.yaml");
        return RecipeParser.Parse(path, File.ReadAllText(path)).Spec!;
    }

    private sealed class RecordingHook : ITrainingHook
    {
        public List<TrainingStepInfo> Steps { get; } = [];
        public List<ValidationInfo> Evaluations { get; } = [];
        public void OnStepEnd(TrainingStepInfo step) => Steps.Add(step);
        public void OnEvaluation(ValidationInfo evaluation) => Evaluations.Add(evaluation);
    }

    private sealed class RecordingProgress : ITrainingProgress
    {
        public int Steps, Evaluations;
        public void Step(int step, int totalSteps, double loss, double lr, double tokensPerSecond, TimeSpan eta) => Steps++;
        public void Message(string text) { }
        public void Evaluated(int step, double validationLoss) => Evaluations++;
    }
}
