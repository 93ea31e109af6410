namespace DeclarativeSft.Torch.Tests;

/// <summary>Every test class starts libtorch through the project's loader (as every program does) before its first
/// TorchSharp call: explicit native load, OpenMP passive wait, threads = cores.</summary>
public abstract class TorchTest
{
    protected TorchTest() => TorchRuntime.EnsureInitialized();
}
