using System.Text.Json;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Tests.Model;

/// <summary>
/// Our decoder against an independent plain-PyTorch Llama (python/llama_reference.py, float64) on random
/// checkpoints of every supported variant: per-token log-probs equal within 1e-4.
/// </summary>
public class LogitsParityTests
{
    private static readonly int[][] Sequences =
    [
        [1, 5, 9, 3, 60, 2, 2, 17, 44, 8, 0, 33],
        [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7],
        [40, 12],
        Enumerable.Range(0, 150).Select(i => (i * 37 + 11) % 61).ToArray(), // longer than llama3's original context (64)
    ];

    [Theory]
    [InlineData("llama", "F32")]
    [InlineData("llama3", "F32")]
    [InlineData("mistral", "F32")]
    [InlineData("qwen2", "F32")]
    [InlineData("qwen2", "BF16")]
    [InlineData("qwen3", "F32")]
    [InlineData("tied", "F16")]
    public void Log_probs_match_the_reference(string variant, string dtype)
    {
        using var dir = new TempFolder();
        var model = dir["model"];
        PythonOracle.Run("llama_reference.py", "make", variant, model, "11", dtype);
        var input = dir["in.jsonl"];
        File.WriteAllLines(input, Sequences.Select(s => JsonSerializer.Serialize(new { ids = s })));
        var expected = PythonOracle.Run("llama_reference.py", "score", model, input)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("logprobs").EnumerateArray().Select(e => e.GetDouble()).ToArray())
            .ToArray();

        using var m = LlamaForCausalLM.FromPretrained(model);
        double worst = 0;
        for (int s = 0; s < Sequences.Length; s++)
        {
            var got = TokenScorer.LogProbs(m, Sequences[s]);
            Assert.Equal(expected[s].Length, got.Length);
            for (int t = 0; t < got.Length; t++) worst = Math.Max(worst, Math.Abs(got[t] - expected[s][t]));
        }
        Assert.True(worst < 1e-4, $"{variant}/{dtype}: max |Δ logprob| = {worst:E3}");
        // Guard against a degenerate model that would pass trivially: the log-probs must be far from uniform.
        Assert.True(expected.SelectMany(e => e).Max() - expected.SelectMany(e => e).Min() > 1.0);
    }

    [Fact]
    public void A_packed_row_matches_the_reference_with_a_block_causal_mask()
    {
        using var dir = new TempFolder();
        var model = dir["model"];
        PythonOracle.Run("llama_reference.py", "make", "qwen3", model, "5", "F32");
        int[] ids = [3, 9, 14, 2, 50, 51, 52, 7, 8, 0, 0];
        int[] pos = [0, 1, 2, 3, 0, 1, 2, 3, 4, 0, 0];
        int[] seg = [0, 0, 0, 0, 1, 1, 1, 1, 1, -1, -1];
        var rowFile = dir["row.json"];
        File.WriteAllText(rowFile, JsonSerializer.Serialize(new { input_ids = ids, position_ids = pos, segment_ids = seg }));
        var expected = JsonDocument.Parse(PythonOracle.Run("llama_reference.py", "packed", model, rowFile)).RootElement
            .EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();

        using var m = LlamaForCausalLM.FromPretrained(model);
        var logits = PackedLogits(m, ids, pos, seg);
        int V = m.Config.VocabSize;
        double worst = 0;
        for (int t = 0; t < 9; t++) // padding positions' outputs are unused
            for (int v = 0; v < V; v++)
                worst = Math.Max(worst, Math.Abs(logits[t * V + v] - expected[t][v]));
        Assert.True(worst < 1e-4, $"max |Δ logit| = {worst:E3}");
    }

    [Fact]
    public void Changing_one_packed_example_leaves_the_other_unchanged()
    {
        using var dir = new TempFolder();
        var model = dir["model"];
        PythonOracle.Run("llama_reference.py", "make", "llama", model, "3", "F32");
        using var m = LlamaForCausalLM.FromPretrained(model);
        int[] pos = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6];
        int[] seg = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
        int[] a = [5, 6, 7, 8, 9, 20, 21, 22, 23, 24, 25, 26];
        int[] b = [40, 41, 42, 43, 44, 20, 21, 22, 23, 24, 25, 26]; // first example replaced
        int[] c = [5, 6, 7, 8, 9, 30, 31, 32, 33, 34, 35, 36];      // second example replaced
        var la = PackedLogits(m, a, pos, seg);
        var lb = PackedLogits(m, b, pos, seg);
        var lc = PackedLogits(m, c, pos, seg);
        int V = m.Config.VocabSize;
        // Example 1's logits are bit-identical when example 0 changes, and vice versa…
        Assert.Equal(la.AsSpan(5 * V), lb.AsSpan(5 * V));
        Assert.Equal(la.AsSpan(0, 5 * V), lc.AsSpan(0, 5 * V));
        // …while the changed example's own logits do change (the test can fail).
        Assert.NotEqual(la.AsSpan(0, 5 * V).ToArray(), lb.AsSpan(0, 5 * V).ToArray());
        // And the second example equals the same tokens scored alone from position 0.
        var alone = PackedLogits(m, a[5..], [0, 1, 2, 3, 4, 5, 6], [0, 0, 0, 0, 0, 0, 0]);
        for (int i = 0; i < alone.Length; i++) Assert.True(Math.Abs(alone[i] - la[5 * V + i]) < 1e-5);
    }

    private static float[] PackedLogits(LlamaForCausalLM m, int[] ids, int[] pos, int[] seg)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long T = ids.Length;
        var input = torch.tensor(ids.Select(i => (long)i).ToArray(), [1, T]);
        var positions = torch.tensor(pos.Select(i => (long)i).ToArray(), [1, T]);
        using var mask = AttentionMask.ForPackedRows([seg]);
        return m.Forward(input, positions, mask).data<float>().ToArray();
    }
}
