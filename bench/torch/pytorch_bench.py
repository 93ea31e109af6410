"""PyTorch side of `dotnet run -c Release --project bench/DeclarativeSft.Bench -- torch`: the same measurements as
TorchBenchmark.cs with stock PyTorch (Debian's 1.13), same shapes, same thread count.
Usage: pytorch_bench.py <threads> <matmul_size> <matmul_reps> <op_calls> <op_reps>
Prints one JSON line: {"torch": version, "threads": n, "matmul_gflops": median, "op_us": median,
"ops": {name: median microseconds per call}}.
The per-op set (keep in step with TorchBenchmark.Ops): shapes of the tiny preset's training step."""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def timed(fn, calls, reps):
    for _ in range(max(1, calls // 5)):
        fn()
    per_call = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        per_call.append((time.perf_counter() - t0) / calls * 1e6)
    return statistics.median(per_call)


def ops():
    g = torch.Generator().manual_seed(0)
    r = lambda *s: torch.randn(*s, generator=g)
    x = r(1024, 256)
    w = r(768, 256)
    xg = r(1024, 256).requires_grad_()
    wg = r(768, 256).requires_grad_()
    scores = r(8, 4, 256, 256)
    q, k, v = r(8, 4, 256, 64), r(8, 4, 256, 64), r(8, 4, 256, 64)
    causal = torch.ones(256, 256, dtype=torch.bool).tril()
    h = r(8, 512, 256)
    nw = r(256)
    logits = r(4096, 300)
    targets = torch.randint(0, 300, (4096,), generator=g)
    a, b = r(4096, 688), r(4096, 688)
    p = torch.nn.Parameter(r(768, 256))
    p.grad = r(768, 256)
    opt = torch.optim.AdamW([p], lr=1e-3, weight_decay=0.1)

    def attention():
        s = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(64))
        return (s.masked_fill(causal.logical_not(), float("-inf")).softmax(-1)) @ v

    def linear_fwd_bwd():
        F.linear(xg, wg).sum().backward()

    return {
        "linear": (lambda: F.linear(x, w), 50),
        "linear_fwd_bwd": (linear_fwd_bwd, 20),
        "softmax": (lambda: scores.softmax(-1), 50),
        "attention_causal": (attention, 20),
        "rms_norm": (lambda: h * h.pow(2).mean(-1, keepdim=True).add(1e-5).rsqrt() * nw, 50),
        "cross_entropy": (lambda: F.cross_entropy(logits, targets), 50),
        "silu_mul": (lambda: F.silu(a) * b, 50),
        "adamw_step": (opt.step, 50),
    }


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
    op_us = timed(lambda: x + y, calls, op_reps)
    per_op = {name: timed(fn, c, op_reps) for name, (fn, c) in ops().items()}
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "matmul_gflops": gflops,
                      "op_us": op_us, "ops": per_op}))


if __name__ == "__main__":
    main()
