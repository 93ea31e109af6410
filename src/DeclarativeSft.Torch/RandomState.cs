using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Torch;

/// <summary>Generator states as bytes, for checkpoints that resume with the same random draws.</summary>
public static class RandomState
{
    /// <summary>The state of <paramref name="generator"/> as bytes.</summary>
    public static byte[] GetStateBytes(this Generator generator)
    {
        using var state = generator.get_state();
        return state.ToBytes();
    }

    /// <summary>Restores a state from <see cref="GetStateBytes"/>.</summary>
    public static void SetStateBytes(this Generator generator, byte[] state)
    {
        using var t = TensorBytes.FromBytes(state, new long[] { state.Length }, ScalarType.Byte);
        generator.set_state(t);
    }

    /// <summary>State of the default CPU generator (torch.get_rng_state()).</summary>
    public static byte[] GetDefault() => torch.Generator.Default.GetStateBytes();

    /// <summary>Restores the default CPU generator (torch.set_rng_state()).</summary>
    public static void SetDefault(byte[] state) => torch.Generator.Default.SetStateBytes(state);
}
