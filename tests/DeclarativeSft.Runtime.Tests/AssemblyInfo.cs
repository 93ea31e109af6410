using System.Runtime.CompilerServices;

namespace DeclarativeSft.Runtime.Tests;

/// <summary>Starts libtorch the way programs do (DeclarativeSft.Torch.TorchRuntime) before any test touches a tensor:
/// a test's own torch.set_num_threads(1) must come after it, not be overridden by a later first initialization.</summary>
internal static class TorchStartup
{
    [ModuleInitializer]
    internal static void Initialize() => DeclarativeSft.Torch.TorchRuntime.EnsureInitialized();
}
