namespace DeclarativeSft.Runtime.Model;

/// <summary>
/// Inverse frequencies of rotary position embeddings: θ^(−2i/d) for i &lt; d/2, optionally rescaled the Llama 3.1
/// way (long wavelengths divided by <c>factor</c>, short ones kept, a smooth blend between). Computed in double
/// and rounded once to float, like the reference implementation does in float32 after its own computation.
/// </summary>
public static class RotaryFrequencies
{
    /// <summary>The head_dim/2 inverse frequencies of <paramref name="config"/>.</summary>
    public static float[] InverseFrequencies(LlamaConfig config)
    {
        int half = config.HeadDim / 2;
        var inv = new float[half];
        for (int i = 0; i < half; i++)
        {
            // Same operation order as the reference: base ** (arange(0, d, 2).float() / d), then 1/x, in float32.
            float exponent = (float)(2 * i) / config.HeadDim;
            float invFreq = 1.0f / MathF.Pow((float)config.RopeTheta, exponent);
            inv[i] = invFreq;
        }
        if (config.RopeScaling is { } s)
        {
            double lowWavelen = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;
            double highWavelen = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
            for (int i = 0; i < half; i++)
            {
                double wavelen = 2 * Math.PI / inv[i];
                if (wavelen > lowWavelen)
                    inv[i] = (float)(inv[i] / s.Factor);
                else if (wavelen >= highWavelen)
                {
                    double smooth = (s.OriginalMaxPositionEmbeddings / wavelen - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
                    inv[i] = (float)((1 - smooth) * inv[i] / s.Factor + smooth * inv[i]);
                }
            }
        }
        return inv;
    }
}
