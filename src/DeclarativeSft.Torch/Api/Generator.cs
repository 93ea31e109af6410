using DeclarativeSft.Torch.Interop;

namespace DeclarativeSft.Torch;

/// <summary>A random number generator (PyTorch's torch.Generator) whose state can be saved and restored
/// for bit-identical resume.</summary>
public sealed class Generator : IDisposable
{
    private readonly GeneratorHandle handle;

    private Generator(IntPtr h, Device device)
    {
        handle = new GeneratorHandle(NativeMethods.Check(h));
        this.device = device;
    }

    /// <summary>A new generator on <paramref name="device"/> seeded with <paramref name="seed"/>.</summary>
    public Generator(long seed, Device? device = null)
        : this(NewHandle(seed, device ?? Device.CPU), device ?? Device.CPU) { }

    private static IntPtr NewHandle(long seed, Device device)
    {
        Runtime.EnsureInitialized();
        return NativeMethods.dsft_generator_new((int)device.Type, device.Index, unchecked((ulong)seed));
    }

    /// <summary>The device's default generator (what ops use when no generator is passed); shared, not copied.</summary>
    public static Generator Default(Device? device = null)
    {
        Runtime.EnsureInitialized();
        var dev = device ?? Device.CPU;
        return new Generator(NativeMethods.dsft_generator_default((int)dev.Type, dev.Index), dev);
    }

    /// <summary>The device whose streams this generator drives.</summary>
    public Device device { get; }

    internal IntPtr RawHandle
    {
        get
        {
            if (handle.IsClosed) throw new ObjectDisposedException(nameof(Generator));
            return handle.DangerousGetHandle();
        }
    }

    private GeneratorHandle Handle => handle.IsClosed ? throw new ObjectDisposedException(nameof(Generator)) : handle;

    /// <summary>Reseeds.</summary>
    public Generator manual_seed(long seed)
    {
        NativeMethods.Check(NativeMethods.dsft_generator_set_seed(Handle, unchecked((ulong)seed)));
        return this;
    }

    /// <summary>The seed last set.</summary>
    public long initial_seed() => unchecked((long)NativeMethods.dsft_generator_initial_seed(Handle));

    /// <summary>The full state as a uint8 CPU tensor (save it with the checkpoint).</summary>
    public Tensor get_state() => Tensor.From(NativeMethods.dsft_generator_get_state(Handle));

    /// <summary>Restores a state from <see cref="get_state"/>.</summary>
    public void set_state(Tensor state) => NativeMethods.Check(NativeMethods.dsft_generator_set_state(Handle, state.Handle));

    /// <summary>The state as bytes.</summary>
    public byte[] get_state_bytes()
    {
        using var s = get_state();
        return s.data<byte>();
    }

    /// <summary>Restores a state from <see cref="get_state_bytes"/>.</summary>
    public void set_state_bytes(byte[] state)
    {
        using var s = torch.tensor(state);
        set_state(s);
    }

    public void Dispose() => handle.Dispose();
}

public static partial class torch
{
    /// <summary>State of the default CPU generator (torch.get_rng_state).</summary>
    public static byte[] get_rng_state()
    {
        using var g = Generator.Default();
        return g.get_state_bytes();
    }

    /// <summary>Restores the default CPU generator (torch.set_rng_state).</summary>
    public static void set_rng_state(byte[] state)
    {
        using var g = Generator.Default();
        g.set_state_bytes(state);
    }
}
