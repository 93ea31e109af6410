"""Plain PyTorch training loop of the same Llama shape, batch and threads as TrainStepBenchmark (C#).

  python3 pytorch_train_step.py JSON_ARGS  -> prints {"tokens_per_s": x}

An ordinary idiomatic PyTorch model (nn.Module, F.linear via nn.Linear, RMSNorm in fp32, rotate-half RoPE,
causal softmax attention — torch 1.13 has no fused SDPA), cross-entropy, AdamW, clip_grad_norm_.
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
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, h, f = c["d"], c["heads"], c["ffn"]
        self.h, self.hd = h, d // h
        self.q = nn.Linear(d, d, bias=False)
        self.k = nn.Linear(d, d, bias=False)
        self.v = nn.Linear(d, d, bias=False)
        self.o = nn.Linear(d, d, bias=False)
        self.gate = nn.Linear(d, f, bias=False)
        self.up = nn.Linear(d, f, bias=False)
        self.down = nn.Linear(f, d, bias=False)
        self.n1 = RMSNorm(d, 1e-5)
        self.n2 = RMSNorm(d, 1e-5)

    def forward(self, x, cos, sin, mask):
        B, T, C = x.shape
        h = self.n1(x)
        q = self.q(h).view(B, T, self.h, self.hd).transpose(1, 2)
        k = self.k(h).view(B, T, self.h, self.hd).transpose(1, 2)
        v = self.v(h).view(B, T, self.h, self.hd).transpose(1, 2)
        q = q * cos + torch.cat([-q[..., self.hd // 2:], q[..., :self.hd // 2]], -1) * sin
        k = k * cos + torch.cat([-k[..., self.hd // 2:], k[..., :self.hd // 2]], -1) * sin
        att = (q @ k.transpose(-2, -1)) / math.sqrt(self.hd)
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + self.o(y)
        h = self.n2(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Model(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.emb = nn.Embedding(c["vocab"], c["d"])
        self.blocks = nn.ModuleList([Block(c) for _ in range(c["layers"])])
        self.norm = RMSNorm(c["d"], 1e-5)
        hd = c["d"] // c["heads"]
        inv = 1.0 / (10000 ** (torch.arange(0, hd, 2).float() / hd))
        ang = torch.arange(c["seq"]).float()[:, None] * inv[None]
        emb = torch.cat([ang, ang], -1)
        self.register_buffer("cos", emb.cos()[None, None])
        self.register_buffer("sin", emb.sin()[None, None])
        T = c["seq"]
        self.register_buffer("mask", torch.ones(T, T, dtype=torch.bool).tril())

    def forward(self, ids):
        x = self.emb(ids)
        for b in self.blocks:
            x = b(x, self.cos, self.sin, self.mask)
        return F.linear(self.norm(x), self.emb.weight)  # tied head


def main():
    c = json.loads(sys.argv[1])
    torch.set_num_threads(c["threads"])
    torch.manual_seed(0)
    model = Model(c)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.0)
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(0, c["vocab"], (c["batch"], c["seq"]), generator=g)
    targets = ids[:, 1:].reshape(-1)

    def step():
        logits = model(ids)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, c["vocab"]), targets, reduction="sum") / targets.numel()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)

    for _ in range(c["warmup"]):
        step()
    t0 = time.perf_counter()
    for _ in range(c["steps"]):
        step()
    dt = time.perf_counter() - t0
    print(json.dumps({"tokens_per_s": c["batch"] * c["seq"] * c["steps"] / dt}))


if __name__ == "__main__":
    main()
