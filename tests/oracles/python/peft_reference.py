"""LoRA adapters the way Hugging Face PEFT stores them, and the adapted model's scores, independent of the C# code.

  make-adapter BASE OUT SEED R ALPHA RSLORA TARGETS [LAYOUT]
      random non-zero factors for every TARGETS projection (comma-separated short names, e.g. q_proj,v_proj) of
      the checkpoint in BASE. LAYOUT "peft" (default): adapter_config.json + adapter_model.safetensors with keys
      base_model.model.<module>.lora_{A,B}.weight; "checkpoint": a training checkpoint folder (adapter_config.json +
      trainable.safetensors with keys <module>.lora_{A,B}.weight).
  score BASE ADAPTER IN.jsonl
      {"ids":[...]} per line -> {"logprobs":[...]} of the base with every adapted weight replaced by W + s·B·A,
      s = lora_alpha/r (or lora_alpha/√r with use_rslora), computed by llama_reference.forward in float64.
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama_reference import load, forward  # noqa: E402
from safetensors_oracle import read_tensors, write_file  # noqa: E402

PREFIX = "base_model.model."


def modules(cfg, targets):
    out = []
    for i in range(cfg["num_hidden_layers"]):
        for t in targets:
            kind = "self_attn" if t in ("q_proj", "k_proj", "v_proj", "o_proj") else "mlp"
            out.append(f"model.layers.{i}.{kind}.{t}")
    return out


def cmd_make_adapter(base, out, seed, r, alpha, rslora, targets, layout="peft"):
    cfg, w = load(base)
    r, alpha, rslora = int(r), float(alpha), rslora.lower() == "true"
    targets = targets.split(",")
    g = torch.Generator().manual_seed(int(seed))
    tensors = {}
    for m in modules(cfg, targets):
        out_f, in_f = w[m + ".weight"].shape
        key = (PREFIX + m) if layout == "peft" else m
        tensors[key + ".lora_A.weight"] = ("F32", torch.randn(r, in_f, generator=g) / math.sqrt(in_f))
        tensors[key + ".lora_B.weight"] = ("F32", 0.3 * torch.randn(out_f, r, generator=g))
    os.makedirs(out, exist_ok=True)
    write_file(os.path.join(out, "adapter_model.safetensors" if layout == "peft" else "trainable.safetensors"), tensors)
    config = {"peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": base, "r": r,
              "lora_alpha": alpha, "lora_dropout": 0.0, "use_rslora": rslora, "target_modules": targets,
              "bias": "none", "fan_in_fan_out": False, "inference_mode": True}
    with open(os.path.join(out, "adapter_config.json"), "w") as f:
        json.dump(config, f, indent=2)


def cmd_score(base, adapter, inp):
    cfg, w = load(base)
    with open(os.path.join(adapter, "adapter_config.json")) as f:
        ac = json.load(f)
    r = ac["r"]
    scale = ac["lora_alpha"] / (math.sqrt(r) if ac.get("use_rslora") else r)
    path = os.path.join(adapter, "adapter_model.safetensors")
    if not os.path.exists(path):
        path = os.path.join(adapter, "trainable.safetensors")
    factors = {k[len(PREFIX):] if k.startswith(PREFIX) else k: v.to(torch.float64) for k, (_, v) in read_tensors(path).items()}
    w = dict(w)
    for m in modules(cfg, ac["target_modules"]):
        w[m + ".weight"] = w[m + ".weight"] + scale * (factors[m + ".lora_B.weight"] @ factors[m + ".lora_A.weight"])
    with open(inp) as f:
        for line in f:
            ids = torch.tensor(json.loads(line)["ids"], dtype=torch.long)
            T = ids.shape[0]
            logits = forward(cfg, w, ids, torch.arange(T), torch.ones(T, T, dtype=torch.bool).tril())
            lp = logits.log_softmax(-1)[:-1].gather(-1, ids[1:, None])[:, 0]
            print(json.dumps({"logprobs": lp.tolist()}))


if __name__ == "__main__":
    c = sys.argv[1]
    if c == "make-adapter":
        cmd_make_adapter(*sys.argv[2:])
    elif c == "score":
        cmd_score(*sys.argv[2:])
    else:
        sys.exit(f"unknown command {c}")
