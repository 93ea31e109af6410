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
        // libtorch aborts the process on a state of the wrong size (TorchSharp 0.107's set_state has no catch), so a
        // corrupt or foreign checkpoint is refused here with an exception instead.
        using (var current = generator.get_state())
            if (state.Length != current.numel())
                throw new UserErrorException($"a generator state has {current.numel()} bytes here, this one {state.Length}: it comes from another libtorch or a damaged file");
        using var t = TensorBytes.FromBytes(state, new long[] { state.Length }, ScalarType.Byte);
        generator.set_state(t);
    }

    /// <summary>State of the default CPU generator (torch.get_rng_state()).</summary>
    public static byte[] GetDefault() => torch.Generator.Default.GetStateBytes();

    /// <summary>Restores the default CPU generator (torch.set_rng_state()).</summary>
    public static void SetDefault(byte[] state) => torch.Generator.Default.SetStateBytes(state);
}
