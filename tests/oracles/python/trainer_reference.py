"""Reference trainer pieces in plain PyTorch, written from the formulas (not from the C# code).

  schedule CASES.json   -> JSON list (one per case) of the learning rate of every optimizer step
  train CKPT PLAN.json  -> JSON list of the per-step training losses (mean cross-entropy per trained token)

Schedules follow Hugging Face transformers' get_{cosine,linear,constant}_schedule_with_warmup: a LambdaLR whose
multiplier is step/max(1, warmup) during warmup, then 0.5·(1+cos(π·progress)), max(0, (total−step)/max(1, total−warmup))
or 1. warmup_steps > 0 wins; otherwise warmup = ceil(warmup_ratio · total) (TrainingArguments.get_warmup_steps).
The rates are read back from a real torch optimizer driven by torch.optim.lr_scheduler.LambdaLR.

A training PLAN: {"lr", "weight_decay", "max_grad_norm", "warmup_steps" | "warmup_ratio", "total_steps",
"steps": [[micro-batch, ...], ...]} where a micro-batch is a list of packed rows {"input_ids", "labels", "position_ids",
"segment_ids"}: float32 training with torch.optim.AdamW (decay on matrices only), gradient accumulation normalised by
the trained tokens of the whole step, clip_grad_norm_; optionally:
  "scheduler": "cosine" | "linear" | "constant"
  "l2_to_base": λ      adds λ·Σ‖θ−θ0‖² over the trained tensors (θ0 = their values at step 0) once per step
  "kl_to_base": β      adds β·Σ_t KL(p_base(·|t) ‖ p_θ(·|t)) over trained positions t, divided like the cross-entropy
                       by the trained tokens of the whole step; p_base = the model without adapters
  "lora": null or {"r", "alpha", "use_rslora", "A": {module: [[...]]}}: the base weights are frozen and each listed
       module's weight becomes W + s·B·A (s = alpha/r or alpha/√r), B starting at zero, A at the given values;
       only the factors train. Without "lora" every parameter trains (full fine-tuning).
  "params_out": optional path; the final trained tensors are written there as JSON.
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama_reference import load, forward, packed_row  # noqa: E402


def lr_multiplier(kind, warmup, total):
    def f(step):
        if step < warmup:
            return float(step) / float(max(1, warmup))
        if kind == "constant":
            return 1.0
        progress = float(step - warmup) / float(max(1, total - warmup))
        if kind == "linear":
            return max(0.0, float(total - step) / float(max(1, total - warmup)))
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * 2.0 * 0.5 * progress)))
    return f


def warmup_of(case):
    ws = case.get("warmup_steps")
    if ws is not None and ws > 0:
        return ws
    return math.ceil((case.get("warmup_ratio") or 0.0) * case["total_steps"])


def scheduled_lrs(kind, peak, warmup, total):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=peak)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_multiplier(kind, warmup, total))
    out = []
    for _ in range(total):
        out.append(opt.param_groups[0]["lr"])  # the rate the update of this step uses
        opt.step()
        sched.step()
    return out


def cmd_schedule(cases_path):
    with open(cases_path) as f:
        cases = json.load(f)
    print(json.dumps([scheduled_lrs(c["kind"], c["lr"], warmup_of(c), c["total_steps"]) for c in cases]))


def main_train(ckpt, plan_path):
    torch.set_num_threads(1)
    cfg, w64 = load(ckpt)
    with open(plan_path) as f:
        plan = json.load(f)
    tied = cfg.get("tie_word_embeddings")
    lora = plan.get("lora")
    base = {n: t.to(torch.float32) for n, t in w64.items()}
    if tied:
        base["lm_head.weight"] = base["model.embed_tokens.weight"]

    if lora is None:
        names = [n for n in w64 if not (tied and n == "lm_head.weight")]
        params = {n: base[n].clone().requires_grad_(True) for n in names}

        def weights():
            w = dict(params)
            if tied:
                w["lm_head.weight"] = params["model.embed_tokens.weight"]
            return w
    else:
        r = lora["r"]
        scale = lora["alpha"] / (math.sqrt(r) if lora.get("use_rslora") else r)
        params = {}
        for module, a in lora["A"].items():
            out_features = base[module + ".weight"].shape[0]
            params[module + ".lora_A.weight"] = torch.tensor(a, dtype=torch.float32).requires_grad_(True)
            params[module + ".lora_B.weight"] = torch.zeros(out_features, r).requires_grad_(True)

        def weights():
            w = dict(base)
            for module in lora["A"]:
                delta = params[module + ".lora_B.weight"] @ params[module + ".lora_A.weight"]
                w[module + ".weight"] = base[module + ".weight"] + scale * delta
            return w

    theta0 = {n: p.detach().clone() for n, p in params.items()}
    l2, kl = plan.get("l2_to_base", 0.0), plan.get("kl_to_base", 0.0)
    decay = [p for p in params.values() if p.dim() >= 2]
    no_decay = [p for p in params.values() if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": plan["weight_decay"]}]
    if no_decay:
        groups.append({"params": no_decay, "weight_decay": 0.0})
    opt = torch.optim.AdamW(groups, lr=plan["lr"], betas=(0.9, 0.999), eps=1e-8)
    total = plan["total_steps"]
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_multiplier(plan.get("scheduler", "cosine"), warmup_of(plan), total))

    losses = []
    for micro in plan["steps"]:
        rows = [packed_row(row) for mb in micro for row in mb]
        n_trained = sum(int((t != -100).sum()) for *_, t in rows)
        ce_total = 0.0
        for ids, pos, allowed, target in rows:
            logits = forward(cfg, weights(), ids, pos, allowed)[:-1]  # (T-1, V)
            ce = torch.nn.functional.cross_entropy(logits, target, ignore_index=-100, reduction="sum")
            objective = ce
            if kl > 0:
                with torch.no_grad():
                    base_logits = forward(cfg, base, ids, pos, allowed)[:-1]
                logq = base_logits.log_softmax(-1)
                logp = logits.log_softmax(-1)
                per_pos = (logq.exp() * (logq - logp)).sum(-1)
                objective = objective + kl * per_pos[target != -100].sum()
            (objective / n_trained).backward()
            ce_total += ce.item()
        if l2 > 0:
            penalty = sum(((p - theta0[n]) ** 2).sum() for n, p in params.items())
            (l2 * penalty).backward()
        torch.nn.utils.clip_grad_norm_(list(params.values()), plan["max_grad_norm"])
        opt.step()
        sched.step()
        opt.zero_grad()
        losses.append(ce_total / n_trained)

    if plan.get("params_out"):
        with open(plan["params_out"], "w") as f:
            json.dump({n: p.detach().reshape(-1).tolist() for n, p in params.items()}, f)
    print(json.dumps(losses))


if __name__ == "__main__":
    if sys.argv[1] == "schedule":
        cmd_schedule(sys.argv[2])
    elif sys.argv[1] == "train":
        main_train(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
