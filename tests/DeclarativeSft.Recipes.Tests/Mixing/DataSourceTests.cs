using DeclarativeSft.Recipes;
using DeclarativeSft.Recipes.Tests.Fixtures;
using static DeclarativeSft.Recipes.Tests.Fixtures.RecipeFixture;

namespace DeclarativeSft.Recipes.Tests.Mixing;

/// <summary><c>data.train</c> as a list of weighted, tagged sources, and the old <c>data.replay</c> form.</summary>
public class DataSourceTests
{
    private const string TwoSources =
        "  train:\n" +                                                      // 10
        "    - { path: data/train.jsonl, weight: 0.8, tag: task }\n" +      // 11
        "    - { path: data/general.jsonl, weight: 0.2, tag: general }\n";  // 12

    private static Dictionary<string, string> WithGeneral()
    {
        var files = Files();
        files[GeneralPath] = RecipeFixture.Data(40, prompt: "g");
        return files;
    }

    [Fact]
    public void A_plain_path_is_one_unweighted_source_tagged_by_its_file_name()
    {
        var spec = RecipeParser.Parse(RecipePath, Recipe).Spec!;
        var source = Assert.Single(spec.Data.Train);
        Assert.Equal(new DataSourceSpec(DataPath, null, "train"), source);
        Assert.False(spec.Data.IsWeighted);
    }

    [Fact]
    public void Weighted_sources_are_parsed_with_paths_weights_and_tags_and_build_clean()
    {
        var recipe = With("  train: data/train.jsonl\n", TwoSources);
        var spec = RecipeParser.Parse(RecipePath, recipe).Spec!;
        Assert.Equal([new DataSourceSpec(DataPath, 0.8, "task"), new DataSourceSpec(GeneralPath, 0.2, "general")], spec.Data.Train.ToArray());
        Assert.Empty(Validate(recipe, WithGeneral()));
    }

    [Theory]
    [InlineData("0", "weight: 0")]
    [InlineData("-1", "weight: -1")]
    [InlineData(".nan", "weight: .nan")]
    [InlineData(".inf", "weight: .inf")]
    public void A_weight_that_is_not_positive_and_finite_is_an_error_at_its_value(string weight, string written)
    {
        var recipe = With("  train: data/train.jsonl\n", TwoSources.Replace("weight: 0.2", written));
        var d = Assert.Single(Validate(recipe, WithGeneral()), x => x.Id == "SFT0004");
        Assert.Equal((12, TwoSources.Split('\n')[2].IndexOf("0.2", StringComparison.Ordinal) + 1), (d.Line, d.Column));
        Assert.Contains("data.train[1].weight", d.Message);
        Assert.Contains(weight, d.Message);
    }

    [Fact]
    public void A_tag_that_cannot_name_a_metric_is_an_error()
    {
        var recipe = With("  train: data/train.jsonl\n", TwoSources.Replace("tag: general", "tag: \"two words\""));
        var d = Assert.Single(Validate(recipe, WithGeneral()), x => x.Id == "SFT0004");
        Assert.Equal(12, d.Line);
    }

    [Fact]
    public void Default_tags_that_collide_are_reported()
    {
        var recipe = With("  train: data/train.jsonl\n", "  train: [data/train.jsonl, other/train.jsonl]\n");
        var d = Assert.Single(RecipeParser.Parse(RecipePath, recipe).Diagnostics, x => x.Id == "SFT0050");
        Assert.Equal((10, 29), (d.Line, d.Column)); // the second 'train' tag, written as the path other/train.jsonl
    }

    [Fact]
    public void A_missing_source_file_is_reported_at_its_path()
    {
        var recipe = With("  train: data/train.jsonl\n", TwoSources);
        var d = Assert.Single(Validate(recipe, Files()), x => x.Id == "SFT0020");
        Assert.Equal((12, TwoSources.Split('\n')[2].IndexOf("data/general", StringComparison.Ordinal) + 1), (d.Line, d.Column));
    }

    [Fact]
    public void The_old_replay_form_builds_as_two_weighted_sources_with_a_warning()
    {
        var recipe = With("  max_seq_len: 512\n", "  max_seq_len: 512\n  replay: { path: data/general.jsonl, ratio: 0.3 }\n");
        var parsed = RecipeParser.Parse(RecipePath, recipe);
        Assert.Equal([new DataSourceSpec(DataPath, 0.7, "train"), new DataSourceSpec(GeneralPath, 0.3, "general")], parsed.Spec!.Data.Train.ToArray());
        var diagnostics = Validate(recipe, WithGeneral());
        Assert.Equal(["SFT0052"], diagnostics.Select(x => x.Id));
        Assert.Equal(RecipeSeverity.Warning, diagnostics[0].Severity);
        // A missing replay file is reported where the recipe names it.
        var missing = Assert.Single(Validate(recipe, Files()), x => x.Id == "SFT0020");
        Assert.Equal((14, 19), (missing.Line, missing.Column));
    }

    [Fact]
    public void Replay_next_to_weighted_sources_is_an_error()
    {
        var recipe = With("  train: data/train.jsonl\n", TwoSources + "  replay: { path: data/general.jsonl, ratio: 0.3 }\n");
        Assert.Contains(RecipeParser.Parse(RecipePath, recipe).Diagnostics, x => x.Id == "SFT0006" && x.Message.Contains("data.replay"));
    }

    [Fact]
    public void The_step_count_of_the_build_follows_the_mix()
    {
        // task 40 lines (36 after the 0.1 split) at 0.8, general 40 (36) at 0.2: an epoch is 36 + 9 = 45 examples,
        // 12 optimizer steps of 2×2 per epoch, 24 over 2 epochs; 24 warmup steps cover the whole run.
        var recipe = With("  train: data/train.jsonl\n", TwoSources).Replace("  warmup_ratio: 0.05", "  warmup_steps: 24");
        Assert.Contains(Validate(recipe, WithGeneral()), x => x.Id == "SFT0029" && x.Message.Contains("24"));
        Assert.DoesNotContain(Validate(recipe.Replace("warmup_steps: 24", "warmup_steps: 23"), WithGeneral()), x => x.Id == "SFT0029");
        Assert.Equal(45, DeclarativeSft.Data.MixingPlan.Compute([36, 36], [0.8, 0.2]).Sum());
    }
}
