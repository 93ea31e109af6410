using System.Text.Json;
using DeclarativeSft.Runtime.Model;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace DeclarativeSft.Runtime.Scoring;

/// <summary>Per-token log-probabilities log p(ids[t] | ids[&lt;t]) for t = 1..n-1, in float32 — the numerics check
/// behind <c>sft score</c> and perplexity.</summary>
public static class TokenScorer
{
    /// <summary>Scores one sequence.</summary>
    public static float[] LogProbs(LlamaForCausalLM model, IReadOnlyList<int> ids, ForwardContext? ctx = null)
    {
        if (ids.Count < 2) return [];
        foreach (var id in ids)
            if (id < 0 || id >= model.Config.VocabSize)
                throw new ArgumentException($"token id {id} is outside the model's vocabulary (0..{model.Config.VocabSize - 1})");
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long n = ids.Count;
        var input = torch.tensor(ids.Select(i => (long)i).ToArray(), [1, n], device: model.Device); // (1, n)
        var logits = model.Forward(input, ctx: ctx);                                                 // (1, n, V)
        var logp = log_softmax(logits.narrow(1, 0, n - 1), -1);                                     // (1, n-1, V)
        var targets = input.narrow(1, 1, n - 1).unsqueeze(-1);                                      // (1, n-1, 1)
        return logp.gather(-1, targets).reshape(n - 1).cpu().data<float>().ToArray();
    }

    /// <summary>
    /// Reads JSONL lines <c>{"ids": [...]}</c> from <paramref name="input"/> and writes <c>{"logprobs": [...]}</c> lines
    /// in the same order. Bad lines throw <see cref="UserErrorException"/> naming <paramref name="inputName"/> and the line.
    /// </summary>
    public static void ScoreJsonl(LlamaForCausalLM model, TextReader input, TextWriter output, string inputName)
    {
        int lineNo = 0;
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            int[] ids;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (!doc.RootElement.TryGetProperty("ids", out var arr) || arr.ValueKind != JsonValueKind.Array)
                    throw new UserErrorException($"{inputName}:{lineNo}: expected an object with an \"ids\" array of token ids.");
                ids = arr.EnumerateArray().Select(e => e.GetInt32()).ToArray();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException && !e.Message.StartsWith(inputName, StringComparison.Ordinal))
            {
                throw new UserErrorException($"{inputName}:{lineNo}: not a JSON object {{\"ids\": [int, ...]}} ({e.Message}).", e);
            }
            float[] lp;
            try { lp = LogProbs(model, ids); }
            catch (ArgumentException e) { throw new UserErrorException($"{inputName}:{lineNo}: {e.Message}.", e); }
            catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or InvalidOperationException or OutOfMemoryException)
            {
                throw new UserErrorException($"{inputName}:{lineNo}: scoring these {ids.Length} ids failed: {DeclarativeSft.Torch.TorchErrors.Headline(e)}", e);
            }
            int bad = Array.FindIndex(lp, v => !float.IsFinite(v));
            if (bad >= 0)
                throw new UserErrorException($"{inputName}:{lineNo}: the log-probability of id {bad + 1} is {lp[bad].ToString(System.Globalization.CultureInfo.InvariantCulture)}, not a number: the model's weights hold NaN/inf or its config.json has an impossible value (rms_norm_eps, rope_theta). Nothing after this line was scored.");
            output.Write("{\"logprobs\":[");
            for (int i = 0; i < lp.Length; i++)
            {
                if (i > 0) output.Write(',');
                output.Write(lp[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            }
            output.Write("]}\n");
        }
    }
}
