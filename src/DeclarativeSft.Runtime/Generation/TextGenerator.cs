using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Model.Layers;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace DeclarativeSft.Runtime.Generation;

/// <summary>How to pick the next token: greedy (temperature 0) or temperature + nucleus (top-p) sampling.</summary>
public sealed record SamplingOptions(double Temperature = 0.0, double TopP = 1.0, int MaxNewTokens = 64)
{
    public static readonly SamplingOptions Greedy = new();
}

/// <summary>Autoregressive decoding with a KV cache: the prompt is run once, then one token per step.</summary>
public static class TextGenerator
{
    /// <summary>New token ids after <paramref name="prompt"/>, stopping at any of <paramref name="stopIds"/> (included) or the budget.</summary>
    public static List<int> Generate(LlamaForCausalLM model, IReadOnlyList<int> prompt, SamplingOptions options, IReadOnlySet<int> stopIds, Generator? generator = null)
    {
        if (prompt.Count == 0) throw new ArgumentException("generation needs at least one prompt token");
        var result = new List<int>();
        using var noGrad = torch.no_grad();
        using var cache = new KvCache(model.Config.NumHiddenLayers);
        using var outer = torch.NewDisposeScope();
        var ids = torch.tensor(prompt.Select(i => (long)i).ToArray(), [1, prompt.Count], device: model.Device); // (1, T)
        for (int step = 0; step < options.MaxNewTokens; step++)
        {
            int next;
            using (var scope = torch.NewDisposeScope())
            {
                var logits = model.Forward(ids, cache: cache);        // (1, T, V)
                var last = logits.select(1, logits.size(1) - 1);      // (1, V)
                next = options.Temperature <= 0 ? (int)last.argmax(-1).item<long>() : Sample(last, options, generator);
            }
            result.Add(next);
            if (stopIds.Contains(next)) break;
            ids = torch.tensor(new long[] { next }, [1, 1], device: model.Device); // (1, 1)
        }
        return result;
    }

    private static int Sample(Tensor lastLogits, SamplingOptions o, Generator? generator)
    {
        using var temperature = o.Temperature.ToScalar();
        var probs = softmax(lastLogits.div(temperature), -1).squeeze(0); // (V)
        // TorchSharp's generators are CPU generators: with one, sample on the CPU (the same draws on every device).
        if (generator is not null && probs.device.type != DeviceType.CPU) probs = probs.cpu();
        if (o.TopP < 1.0)
        {
            var (sorted, order) = probs.sort(descending: true, stable: true); // (V), (V)
            var cumulative = sorted.cumsum(0);                     // (V)
            // Keep the smallest prefix whose mass reaches top_p (the token crossing the threshold included).
            using var topP = o.TopP.ToScalar();
            using var zero = 0.0.ToScalar();
            var drop = cumulative.sub(sorted).gt(topP);            // (V) bool
            var kept = sorted.masked_fill(drop, zero);
            var pick = torch.multinomial(kept, 1, generator: generator); // (1) index into sorted
            return (int)order.gather(0, pick).item<long>();
        }
        return (int)torch.multinomial(probs, 1, generator: generator).item<long>();
    }
}
