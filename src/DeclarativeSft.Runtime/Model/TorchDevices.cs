using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Model;

/// <summary>Device names as recipes and the command line spell them: <c>cpu</c>, <c>cuda</c> (= cuda:0), <c>cuda:N</c>.
/// TorchSharp's <see cref="Device"/> is a class compared by reference, so code compares <see cref="Device.type"/>.</summary>
public static class TorchDevices
{
    /// <summary>Parses "cpu", "cuda", "cuda:1"; anything else is an <see cref="ArgumentException"/> that says what is accepted.</summary>
    public static Device Parse(string text)
    {
        var s = text.Trim().ToLowerInvariant();
        if (s == "cpu") return torch.CPU;
        if (s == "cuda") return new Device(DeviceType.CUDA, 0);
        if (s.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(s.AsSpan(5), out int index) && index >= 0)
            return new Device(DeviceType.CUDA, index);
        throw new UserErrorException($"unknown device '{text}'; expected 'cpu', 'cuda' or 'cuda:N' (training.device or --device)");
    }
}
