"""Plain PyTorch training loop, the reference side of TrainStepBenchmark (C#).

  python3 pytorch_train_step.py SETUP.json
  then, on stdin, one line per request: "first" -> times one step, prints {"seconds": x};
  "run WARMUP STEPS" -> prints {"tokens_per_s": x, "peak_rss_kib": this process's VmHWM}; "quit" ends.

The process stays up between rounds so the C# side can alternate the two loops round by round (a load burst on
the shared machine then hits both sides instead of deciding the ratio).

Same work as the C# side, no more, no less, per optimizer step:
  batch   : rows (ids, labels, position ids, segment ids) -> tensors; next-token targets with -100 where the
            label is ignored or crosses a segment boundary; the block-causal mask (j <= i, same segment, not
            padding) when a row holds more than one example or padding, else plain causal attention
  forward : Llama decoder — embedding, per layer RMSNorm (fp32) -> q/k/v Linear (k/v over the key/value heads,
            repeated for the query heads as Hugging Face's repeat_kv does) -> rotate-half RoPE from the
            position ids -> softmax attention written out (torch 1.13 has no fused SDPA: q@k^T * scale,
            masked_fill -inf, softmax, @v; ours calls libtorch 2.10's scaled_dot_product_attention) -> o Linear +
            residual -> RMSNorm ->
            SwiGLU MLP + residual; final RMSNorm; tied output head over every position, (B, T, V) logits
  loss    : summed cross-entropy over trained targets (cross_entropy(ignore_index=-100) on the full logits, as a
            Hugging Face model computes it), read once as a float (logging), divided by the trained-token count
            (ours gets the same values from the same rows but computes block-causal attention one packed example
            at a time, skipping the masked-out blocks between examples; the dense mask below is what a plain loop
            writes. Run the benchmark with --causal, one example per row, for a comparison with no such
            difference: both sides then run plain causal attention over the full square.)
  update  : backward, clip_grad_norm_(1.0) with its norm read (logging), AdamW with two parameter groups
            (matrices decayed, norm scales not), learning rate set per step, zero_grad(set_to_none=True)
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        inv = x.pow(2).mean(-1, keepdim=True).add(self.eps).rsqrt()
        return (x * inv) * self.weight


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    return x * cos + torch.cat([-x[..., half:], x[..., :half]], -1) * sin


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, h, f = c["d"], c["heads"], c["ffn"]
        self.h, self.kv, self.hd = h, c["kv_heads"], d // h
        self.q = nn.Linear(d, d, bias=False)
        self.k = nn.Linear(d, self.kv * self.hd, bias=False)
        self.v = nn.Linear(d, self.kv * self.hd, bias=False)
        self.o = nn.Linear(d, d, bias=False)
        self.gate = nn.Linear(d, f, bias=False)
        self.up = nn.Linear(d, f, bias=False)
        self.down = nn.Linear(f, d, bias=False)
        self.n1 = RMSNorm(d, c["eps"])
        self.n2 = RMSNorm(d, c["eps"])

    def forward(self, x, cos, sin, mask):
        B, T, C = x.shape
        h = self.n1(x)
        q = rotate(self.q(h).view(B, T, self.h, self.hd).transpose(1, 2), cos, sin)
        k = rotate(self.k(h).view(B, T, self.kv, self.hd).transpose(1, 2), cos, sin)
        v = self.v(h).view(B, T, self.kv, self.hd).transpose(1, 2)
        if self.kv != self.h:  # repeat_kv
            k = k.repeat_interleave(self.h // self.kv, dim=1)
            v = v.repeat_interleave(self.h // self.kv, dim=1)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.hd))
        if mask is None:  # plain causal
            mask = torch.ones(T, T, dtype=torch.bool).tril()
        att = att.masked_fill(mask.logical_not(), float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + self.o(y)
        h = self.n2(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Model(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.emb = nn.Embedding(c["vocab"], c["d"])
        self.blocks = nn.ModuleList([Block(c) for _ in range(c["layers"])])
        self.norm = RMSNorm(c["d"], c["eps"])
        hd = c["d"] // c["heads"]
        self.register_buffer("inv_freq", 1.0 / (c["theta"] ** (torch.arange(0, hd, 2).float() / hd)))
        for name, p in self.named_parameters():  # Hugging Face's Llama init, like ours
            if p.dim() >= 2:
                nn.init.normal_(p, 0.0, 0.02)

    def forward(self, ids, pos, mask):
        freqs = pos.float()[..., None] * self.inv_freq  # (B, T, hd/2)
        ang = torch.cat([freqs, freqs], -1)
        cos, sin = ang.cos()[:, None], ang.sin()[:, None]  # (B, 1, T, hd)
        x = self.emb(ids)
        for b in self.blocks:
            x = b(x, cos, sin, mask)
        return F.linear(self.norm(x), self.emb.weight)  # tied head


def make_batch(rows):
    ids = torch.tensor(rows["ids"])
    labels = torch.tensor(rows["labels"])
    pos = torch.tensor(rows["positions"])
    seg = torch.tensor(rows["segments"])
    same = (seg[:, 1:] == seg[:, :-1]) & (seg[:, :-1] >= 0)
    targets = torch.where(same, labels[:, 1:], torch.full_like(labels[:, 1:], -100))
    trained = int((targets != -100).sum())
    mask = None
    if bool((seg != 0).any()):
        T = seg.shape[1]
        allowed = (seg[:, :, None] == seg[:, None, :]) & torch.ones(T, T, dtype=torch.bool).tril()
        allowed = (allowed & (seg >= 0)[:, :, None]) | torch.eye(T, dtype=torch.bool)  # padding attends to itself
        mask = allowed[:, None]
    return ids, pos, mask, targets, trained


def peak_rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return float("nan")


def main():
    c = json.load(open(sys.argv[1]))
    torch.set_num_threads(c["threads"])
    torch.manual_seed(0)
    model = Model(c)
    params = list(model.parameters())
    opt = torch.optim.AdamW([
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": 0.0},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ], lr=1e-3)
    rows = c["rows"]
    V = c["vocab"]

    def step():
        for g in opt.param_groups:
            g["lr"] = 1e-3
        ids, pos, mask, targets, trained = make_batch(rows)
        logits = model(ids, pos, mask)
        B, T = ids.shape
        summed = F.cross_entropy(logits[:, :-1].reshape(-1, V), targets.reshape(-1), ignore_index=-100, reduction="sum")
        summed.item()
        (summed / trained).backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0).item()
        opt.step()
        opt.zero_grad(set_to_none=True)

    tokens = len(rows["ids"]) * len(rows["ids"][0])
    print(json.dumps({"ready": True, "torch": torch.__version__}), flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] == "quit":
            break
        if parts[0] == "first":
            t0 = time.perf_counter()
            step()
            print(json.dumps({"seconds": time.perf_counter() - t0}), flush=True)
            continue
        warmup, steps = int(parts[1]), int(parts[2])
        for _ in range(warmup):
            step()
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        dt = time.perf_counter() - t0
        print(json.dumps({"tokens_per_s": tokens * steps / dt, "peak_rss_kib": peak_rss_kib()}), flush=True)


if __name__ == "__main__":
    main()
