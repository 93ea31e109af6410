using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Model.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Evaluation;

/// <summary>
/// Greedy decoding of many prompts at once with a KV cache: prompts are sorted by length, grouped, left-padded to
/// the group's longest, and each group decodes one token per forward pass for all its rows. Scoring a held-out set
/// this way costs ~max_new_tokens forward passes per group instead of per prompt.
/// </summary>
public static class BatchedGreedyDecoder
{
    /// <summary>The new ids of each prompt (in input order), each ending at its first stop id (included) or the budget.</summary>
    public static List<int>[] Generate(LlamaForCausalLM model, IReadOnlyList<int[]> prompts, int maxNewTokens, IReadOnlySet<int> stopIds, int batchSize = 64)
    {
        var results = new List<int>[prompts.Count];
        var order = Enumerable.Range(0, prompts.Count).OrderBy(i => prompts[i].Length).ThenBy(i => i).ToArray();
        for (int start = 0; start < order.Length; start += batchSize)
        {
            var group = order.Skip(start).Take(batchSize).ToArray();
            var outputs = GenerateGroup(model, group.Select(i => prompts[i]).ToList(), maxNewTokens, stopIds);
            for (int k = 0; k < group.Length; k++) results[group[k]] = outputs[k];
        }
        return results;
    }

    private static List<int>[] GenerateGroup(LlamaForCausalLM model, IReadOnlyList<int[]> prompts, int maxNewTokens, IReadOnlySet<int> stopIds)
    {
        int B = prompts.Count, L = prompts.Max(p => p.Length);
        if (prompts.Any(p => p.Length == 0)) throw new ArgumentException("generation needs at least one prompt token per prompt");
        var outputs = Enumerable.Range(0, B).Select(_ => new List<int>()).ToArray();
        var done = new bool[B];
        var padOffset = prompts.Select(p => L - p.Length).ToArray(); // row b's real tokens start at padOffset[b]

        using var noGrad = torch.no_grad();
        using var cache = new KvCache(model.Config.NumHiddenLayers);

        // Prefill: left-padded ids, positions restarting at 0 on each row's first real token, and a mask in which
        // real tokens attend causally to real tokens only, while a pad slot attends to itself (keeps softmax finite).
        var ids = new long[B * L];
        var pos = new long[B * L];
        var mask = new bool[(long)B * L * L];
        for (int b = 0; b < B; b++)
        {
            int o = padOffset[b];
            for (int t = 0; t < L; t++)
            {
                ids[b * L + t] = t < o ? prompts[b][0] : prompts[b][t - o];
                pos[b * L + t] = t < o ? 0 : t - o;
                long row = ((long)b * L + t) * L;
                if (t < o) mask[row + t] = true;
                else for (int j = o; j <= t; j++) mask[row + j] = true;
            }
        }
        long[] next;
        using (var scope = torch.NewDisposeScope())
        {
            var logits = model.Forward(
                torch.tensor(ids, [B, L], device: model.Device), torch.tensor(pos, [B, L], device: model.Device),
                AttentionMask.FromTensor(torch.tensor(mask, [B, 1, L, L], device: model.Device)), cache); // (B, L, V)
            next = logits.select(1, L - 1).argmax(-1).cpu().data<long>().ToArray(); // (B)
        }

        for (int step = 0; step < maxNewTokens; step++)
        {
            for (int b = 0; b < B; b++)
            {
                if (done[b]) continue;
                outputs[b].Add((int)next[b]);
                if (stopIds.Contains((int)next[b]) || outputs[b].Count >= maxNewTokens) done[b] = true;
            }
            if (done.All(d => d)) break;

            // Decode one token per row: it may attend to every cached real token and every generated one.
            int total = L + step + 1;
            var stepPos = new long[B];
            var stepMask = new bool[(long)B * total];
            for (int b = 0; b < B; b++)
            {
                stepPos[b] = prompts[b].Length + step;
                for (int j = padOffset[b]; j < total; j++) stepMask[(long)b * total + j] = true;
            }
            using var scope = torch.NewDisposeScope();
            var logits = model.Forward(
                torch.tensor(next, [B, 1], device: model.Device), torch.tensor(stepPos, [B, 1], device: model.Device),
                AttentionMask.FromTensor(torch.tensor(stepMask, [B, 1, 1, total], device: model.Device)), cache); // (B, 1, V)
            next = logits.select(1, 0).argmax(-1).cpu().data<long>().ToArray(); // (B)
        }
        return outputs;
    }
}
