"""PyTorch side of `dotnet run -c Release --project bench/DeclarativeSft.Bench -- torch`: the same measurements as
TorchBenchmark.cs with stock PyTorch. Usage: pytorch_bench.py <threads> <matmul_size> <matmul_reps> <op_calls> <op_reps>
Prints one JSON line: {"torch": version, "matmul_gflops": median, "op_us": median}."""
import json
import statistics
import sys
import time

import torch


def main():
    threads, n, reps, calls, op_reps = (int(v) for v in sys.argv[1:6])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    for _ in range(2):
        torch.matmul(a, b)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        torch.matmul(a, b)
        times.append(time.perf_counter() - t0)
    gflops = 2.0 * n ** 3 / statistics.median(times) / 1e9

    x = torch.ones(16)
    y = torch.ones(16)
    for _ in range(calls // 10):
        z = x + y
    per_call = []
    for _ in range(op_reps):
        t0 = time.perf_counter()
        for _ in range(calls):
            z = x + y
        per_call.append((time.perf_counter() - t0) / calls * 1e6)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "matmul_gflops": gflops,
                      "op_us": statistics.median(per_call)}))


if __name__ == "__main__":
    main()
