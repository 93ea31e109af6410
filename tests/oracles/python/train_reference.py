"""Reference SFT training steps in plain PyTorch, independent of the C# trainer: the golden loss sequence.

  train CKPT_DIR PLAN.json -> prints the per-step losses as a JSON list

PLAN.json: {"lr", "weight_decay", "max_grad_norm", "warmup_steps", "total_steps", "steps": [[microbatch, ...], ...]}
where a micro-batch is a list of rows {"input_ids", "labels", "position_ids", "segment_ids"}. Full fine-tuning in
float32 with torch.optim.AdamW (decay on matrices only), linear warmup + cosine decay (HF's formula), gradient
accumulation normalised by the trained tokens of the whole step, clip_grad_norm_.
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama_reference import load, forward  # noqa: E402


def row_loss(cfg, w, row):
    ids = torch.tensor(row["input_ids"])
    pos = torch.tensor(row["position_ids"])
    seg = torch.tensor(row["segment_ids"])
    lab = torch.tensor(row["labels"])
    T = ids.shape[0]
    allowed = torch.ones(T, T, dtype=torch.bool).tril() & (seg[:, None] == seg[None, :]) & (seg[None, :] >= 0)
    allowed |= torch.eye(T, dtype=torch.bool)
    logits = forward(cfg, w, ids, pos, allowed)  # (T, V)
    target = lab[1:].clone()
    same = (seg[1:] == seg[:-1]) & (seg[:-1] >= 0)
    target[~same] = -100
    ce = torch.nn.functional.cross_entropy(logits[:-1], target, ignore_index=-100, reduction="sum")
    return ce, int((target != -100).sum())


def main(ckpt, plan_path):
    torch.set_num_threads(1)
    cfg, w64 = load(ckpt)
    tied = cfg.get("tie_word_embeddings")
    names = [n for n in w64 if not (tied and n == "lm_head.weight")]
    params = {n: w64[n].to(torch.float32).clone().requires_grad_(True) for n in names}
    w = dict(params)
    if tied:
        w["lm_head.weight"] = params["model.embed_tokens.weight"]
    with open(plan_path) as f:
        plan = json.load(f)
    decay = [p for n, p in params.items() if p.dim() >= 2]
    no_decay = [p for n, p in params.items() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": plan["weight_decay"]},
                             {"params": no_decay, "weight_decay": 0.0}], lr=plan["lr"], betas=(0.9, 0.999), eps=1e-8)
    warm, total = plan["warmup_steps"], plan["total_steps"]
    losses = []
    for step, micro in enumerate(plan["steps"]):
        if step < warm:
            lr = plan["lr"] * step / max(1, warm)
        else:
            progress = (step - warm) / max(1, total - warm)
            lr = plan["lr"] * max(0.0, 0.5 * (1 + math.cos(math.pi * progress)))
        for g in opt.param_groups:
            g["lr"] = lr
        n_trained = 0
        for mb in micro:
            for row in mb:
                _, n = row_loss(cfg, {k: v.detach() for k, v in w.items()}, row)
                n_trained += n
        ce_total = 0.0
        for mb in micro:
            for row in mb:
                ce, _ = row_loss(cfg, w, row)
                (ce / n_trained).backward()
                ce_total += ce.item()
        torch.nn.utils.clip_grad_norm_(list(params.values()), plan["max_grad_norm"])
        opt.step()
        opt.zero_grad()
        losses.append(ce_total / n_trained)
    print(json.dumps(losses))


if __name__ == "__main__":
    main(sys.argv[2], sys.argv[3])
