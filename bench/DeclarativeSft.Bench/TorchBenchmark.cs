namespace DeclarativeSft.Bench;

internal static class TorchBenchmark
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("not implemented yet");
        return 2;
    }
}
