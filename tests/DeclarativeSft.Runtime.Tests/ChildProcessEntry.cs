using DeclarativeSft.Runtime.Tests.Training;
using DeclarativeSft.Runtime.Training;

namespace DeclarativeSft.Runtime.Tests;

/// <summary>
/// Entry point of this assembly when a test starts it as a child process (`dotnet DeclarativeSft.Runtime.Tests.dll
/// train-child BASE OUT BLOCK_AT`): it runs the resume scenario and, after logging step BLOCK_AT, prints
/// "blocked" and waits to be killed with SIGKILL — so the kill lands after a checkpoint and after metrics past it.
/// `memory-child OUT full|lora` trains alone in its process and prints its memory every 50 steps (MemoryStabilityTests);
/// `long-row-child` trains one 32,768-token packed row (LongSequenceTests).
/// </summary>
public static class ChildProcessEntry
{
    public static int Main(string[] args)
    {
        if (args.Length == 4 && args[0] == "train-child")
        {
            TinySetup.RunLora(args[1], args[2], resume: false, new BlockingProgress(int.Parse(args[3])));
            return 3; // reaching here means the parent did not kill us
        }
        if (args.Length == 1 && args[0] == "long-row-child")
        {
            LongSequenceTests.RunChild();
            return 0;
        }
        if (args.Length == 3 && args[0] == "memory-child")
        {
            MemoryStabilityTests.RunChild(args[1], args[2]);
            return 0;
        }
        return 0;
    }

    private sealed class BlockingProgress(int blockAt) : ITrainingProgress
    {
        public void Step(int step, int totalSteps, double loss, double lr, double tokensPerSecond, TimeSpan eta)
        {
            Console.WriteLine($"step {step}");
            if (step == blockAt)
            {
                Console.WriteLine("blocked");
                Console.Out.Flush();
                Thread.Sleep(Timeout.Infinite);
            }
        }

        public void Message(string text) => Console.WriteLine(text);
    }
}
