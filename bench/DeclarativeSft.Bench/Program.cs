// Benchmarks: each measures ours against a reference (PyTorch, Hugging Face's JS tokenizer and Jinja) in ONE run
// and prints the ratio on its last line. Usage: dotnet run -c Release --project bench/DeclarativeSft.Bench -- <torch|tokenizer|render|data-validation|data-cache|train>
using DeclarativeSft.Bench;

var which = args.Length > 0 ? args[0] : "";
var rest = args.Skip(1).ToArray();
return which switch
{
    "torch" => TorchBenchmark.Run(rest),
    "tokenizer" => TokenizerBenchmark.Run(rest),
    "data-validation" => DataValidationBenchmark.Run(rest),
    "train" => TrainBenchmark.Run(rest),
    "render" => RenderBenchmark.Run(rest),
    "data-cache" => DataCacheBenchmark.Run(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/DeclarativeSft.Bench -- <torch|tokenizer|render|data-validation|data-cache|train> [options]");
    return 2;
}
