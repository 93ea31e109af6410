"""PyTorch oracle for the chunked trained-positions loss (LossParityTests): the plain loop a Hugging Face user writes,
full logits at every position and cross_entropy(ignore_index=-100), in float64, with autograd for the gradients.

  /usr/bin/python3 loss_reference.py CKPT_DIR CASE.json  -> JSON on stdout:
      {"ce": Σ cross-entropy, "ce_by_tag": [Σ per data source], "grads": {name: flat gradient}}

CASE.json: {"rows": [{"input_ids", "labels", "position_ids", "segment_ids", "segment_tags"?}], "denominator": D,
            "kl_to_base": β, "tags": K, "lora": null | {"scaling": s, "adapters": {module: {"A": [[...]], "B": [[...]]}}}}
The objective is (Σ cross-entropy + β·Σ_t KL(p_base(·|t) ‖ p_θ(·|t))) / D over trained targets t (a target is the next
token's label, ignored across an example boundary); p_base is the model without adapters. Without "lora" every
parameter is trained (tied: lm_head is the embedding); with it, each listed module's weight is W + s·B·A (lm_head
included) and only the factors are trained, named MODULE.lora_A.weight / MODULE.lora_B.weight.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama_reference import load, forward, packed_row  # noqa: E402


def row_tensors(row):
    ids, pos, allowed, target = packed_row(row)
    seg_tags = row.get("segment_tags")
    tag = torch.tensor([0 if s < 0 or seg_tags is None else seg_tags[s] for s in row["segment_ids"][1:]])
    return ids, pos, allowed, target, tag


def main(ckpt, case_path):
    torch.set_num_threads(1)
    cfg, base = load(ckpt)  # float64; tied: base["lm_head.weight"] is the embedding tensor itself
    tied = cfg.get("tie_word_embeddings")
    with open(case_path) as f:
        case = json.load(f)
    lora = case.get("lora")
    if lora is None:
        params = {n: t.clone().requires_grad_(True) for n, t in base.items() if not (tied and n == "lm_head.weight")}

        def weights():
            w = dict(params)
            if tied:
                w["lm_head.weight"] = params["model.embed_tokens.weight"]
            return w
    else:
        params = {}
        for module, ab in lora["adapters"].items():
            params[module + ".lora_A.weight"] = torch.tensor(ab["A"], dtype=torch.float64).requires_grad_(True)
            params[module + ".lora_B.weight"] = torch.tensor(ab["B"], dtype=torch.float64).requires_grad_(True)

        def weights():
            w = dict(base)
            for module in lora["adapters"]:
                delta = params[module + ".lora_B.weight"] @ params[module + ".lora_A.weight"]
                w[module + ".weight"] = base[module + ".weight"] + lora["scaling"] * delta
            return w

    beta, denominator, n_tags = case["kl_to_base"], case["denominator"], max(1, case["tags"])
    ce_total, ce_by_tag = 0.0, [0.0] * n_tags
    for row in case["rows"]:
        ids, pos, allowed, target, tag = row_tensors(row)
        logits = forward(cfg, weights(), ids, pos, allowed)[:-1]  # (T-1, V): every position, as a plain loop does
        ce = F.cross_entropy(logits, target, ignore_index=-100, reduction="sum")
        per_position = F.cross_entropy(logits, target, ignore_index=-100, reduction="none")
        for k in range(n_tags):
            ce_by_tag[k] += float(per_position[(tag == k) & (target != -100)].sum())
        objective = ce
        if beta > 0:
            with torch.no_grad():
                base_logits = forward(cfg, base, ids, pos, allowed)[:-1]
            logq, logp = base_logits.log_softmax(-1), logits.log_softmax(-1)
            objective = objective + beta * (logq.exp() * (logq - logp)).sum(-1)[target != -100].sum()
        (objective / denominator).backward()
        ce_total += ce.item()
    grads = {n: (p.grad if p.grad is not None else torch.zeros_like(p)).reshape(-1).tolist() for n, p in params.items()}
    json.dump({"ce": ce_total, "ce_by_tag": ce_by_tag, "grads": grads}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
