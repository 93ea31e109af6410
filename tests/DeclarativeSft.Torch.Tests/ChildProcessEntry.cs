using TorchSharp;

namespace DeclarativeSft.Torch.Tests;

/// <summary>
/// Entry point of this assembly when a test starts it as a child process (`dotnet DeclarativeSft.Torch.Tests.dll
/// loader-child`): libtorch loads once per process, so each LIBTORCH scenario of <see cref="LoaderTests"/> runs in
/// its own. The child starts the runtime as a program does: on <see cref="TorchRuntimeException"/> it prints
/// "error: MESSAGE" to stderr and exits 2; on success it runs an op and prints what was loaded.
/// </summary>
public static class ChildProcessEntry
{
    public const int RuntimeErrorExitCode = 2;

    public static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == "loader-child")
        {
            try
            {
                TorchRuntime.EnsureInitialized();
            }
            catch (TorchRuntimeException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return RuntimeErrorExitCode;
            }
            using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
            using var b = torch.matmul(a, a);
            using var s = b.sum();
            Console.WriteLine($"NativeSource={TorchRuntime.NativeSource}");
            Console.WriteLine($"LibTorchVersion={TorchRuntime.LibTorchVersion}");
            Console.WriteLine($"Description={TorchRuntime.Description}");
            Console.WriteLine($"matmul_sum={s.item<float>()}");
            return 0;
        }
        Console.Error.WriteLine("usage: DeclarativeSft.Torch.Tests loader-child (run the tests with dotnet test)");
        return 64;
    }
}
