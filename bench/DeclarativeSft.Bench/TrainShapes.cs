using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Model;

namespace DeclarativeSft.Bench;

/// <summary>A model shape of <c>bench train</c>, the rows it trains on and how long a run of it measures.</summary>
/// <param name="Batch">Rows per micro-batch; <paramref name="Seq"/> tokens each.</param>
/// <param name="MinExample">Shortest packed example, in tokens (<paramref name="MaxExample"/> the longest).</param>
/// <param name="PromptPercent">Share of each example that is prompt (masked to -100, no loss).</param>
/// <param name="FillRows">The last example of a row is cut to fill it (no padding); false: the row ends in padding
/// where the next example would not fit.</param>
/// <param name="Warmup">Default untimed steps per round, <paramref name="Steps"/> timed steps, <paramref name="Rounds"/>
/// alternations: chosen so the whole run fits in 10 minutes on the 2-core VM when it is quiet. The large shapes warm
/// up only once, in the separately reported first step: a step there takes seconds to a minute, and the loops run on
/// in long-lived processes.</param>
internal sealed record TrainShape(string Name, LlamaConfig Config, int Batch, int Seq, int MinExample, int MaxExample, int PromptPercent,
    bool FillRows, int Warmup, int Steps, int Rounds)
{
    /// <summary>The names <c>--shape</c> takes.</summary>
    public static readonly string[] Names = ["tiny", "small", "realistic", "qwen-vocab"];

    /// <summary>The shape called <paramref name="name"/>; null for an unknown name.</summary>
    public static TrainShape? Named(string name) => name switch
    {
        // The shipped code-assistant recipe's step: byte vocabulary, 8 packed rows of 512.
        "tiny" => new("tiny", ModelPresets.Create(ModelPreset.Tiny, 300), 8, 512, 60, 440, 45, false, 2, 5, 3),
        "small" => new("small", ModelPresets.Create(ModelPreset.Small, 300), 8, 512, 60, 440, 45, false, 2, 5, 3),
        // A small Llama with a real tokenizer's vocabulary (Llama 2 / Mistral size) and grouped-query attention.
        "realistic" => new("realistic", Realistic(32_000), 4, 1024, 128, 768, 60, true, 0, 2, 3),
        // The same with Qwen2/Qwen3's vocabulary: the output head dominates the step.
        "qwen-vocab" => new("qwen-vocab", Realistic(151_936), 4, 1024, 128, 768, 60, true, 0, 1, 3),
        _ => null,
    };

    /// <summary>d=512, 8 layers, 8 heads over 4 key/value heads, SwiGLU 1408, tied head.</summary>
    private static LlamaConfig Realistic(int vocab) => ModelPresets.Create(ModelPreset.Tiny, vocab) with
    {
        HiddenSize = 512, NumHiddenLayers = 8, NumAttentionHeads = 8, NumKeyValueHeads = 4, HeadDim = 64, IntermediateSize = 1408,
    };
}
