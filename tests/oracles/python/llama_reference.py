"""Reference Llama-family decoder in plain PyTorch ops, written independently of the C# runtime.

It follows the Hugging Face modeling code's math (RMSNorm in float32, rotate-half RoPE with optional llama3
scaling, GQA by repeating k/v heads, SwiGLU MLP, optional q/k/v bias and per-head q/k RMSNorm), and reads and
writes checkpoints with the struct+json safetensors code of safetensors_oracle.py.

  make VARIANT DIR SEED         random checkpoint folder (config.json + model.safetensors) for a variant
  score DIR IN.jsonl            {"ids":[...]} per line -> {"logprobs":[...]} (log p(ids[t]|ids[<t]), t>=1)
  packed DIR IN.json            {"input_ids":[...],"position_ids":[...],"segment_ids":[...]} -> logits as JSON
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_oracle import read_tensors, write_file, DT  # noqa: E402

VARIANTS = {
    # GQA (4 query heads over 2 kv heads), untied head.
    "llama": dict(architectures=["LlamaForCausalLM"], model_type="llama", hidden_size=32, intermediate_size=48,
                  num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-5,
                  rope_theta=10000.0, tie_word_embeddings=False),
    # Llama 3.1 frequency rescaling; original context short enough that every band (low/medium/high) occurs.
    "llama3": dict(architectures=["LlamaForCausalLM"], model_type="llama", hidden_size=64, intermediate_size=96,
                   num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=1, rms_norm_eps=1e-5,
                   rope_theta=500000.0, tie_word_embeddings=True,
                   rope_scaling=dict(rope_type="llama3", factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0,
                                     original_max_position_embeddings=64)),
    "mistral": dict(architectures=["MistralForCausalLM"], model_type="mistral", hidden_size=32, intermediate_size=64,
                    num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=1, rms_norm_eps=1e-6,
                    rope_theta=1000000.0, tie_word_embeddings=False, sliding_window=4096),
    "qwen2": dict(architectures=["Qwen2ForCausalLM"], model_type="qwen2", hidden_size=48, intermediate_size=80,
                  num_hidden_layers=2, num_attention_heads=6, num_key_value_heads=2, rms_norm_eps=1e-6,
                  rope_theta=1000000.0, tie_word_embeddings=True),
    # head_dim (16) != hidden_size / heads (8): Qwen3 sets it explicitly.
    "qwen3": dict(architectures=["Qwen3ForCausalLM"], model_type="qwen3", hidden_size=32, intermediate_size=64,
                  num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, head_dim=16, rms_norm_eps=1e-6,
                  rope_theta=1000000.0, tie_word_embeddings=False),
    # MHA with tied embeddings.
    "tied": dict(architectures=["LlamaForCausalLM"], model_type="llama", hidden_size=32, intermediate_size=40,
                 num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2, rms_norm_eps=1e-5,
                 rope_theta=10000.0, tie_word_embeddings=True),
}
VOCAB = 61


def head_dim(cfg):
    return cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]


def param_shapes(cfg):
    d, f, hd = cfg["hidden_size"], cfg["intermediate_size"], head_dim(cfg)
    nq, nkv = cfg["num_attention_heads"] * hd, cfg["num_key_value_heads"] * hd
    qwen2, qwen3 = cfg["model_type"] == "qwen2", cfg["model_type"] == "qwen3"
    shapes = {"model.embed_tokens.weight": (cfg["vocab_size"], d)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        shapes[p + "input_layernorm.weight"] = (d,)
        shapes[p + "self_attn.q_proj.weight"] = (nq, d)
        shapes[p + "self_attn.k_proj.weight"] = (nkv, d)
        shapes[p + "self_attn.v_proj.weight"] = (nkv, d)
        if qwen2:
            shapes[p + "self_attn.q_proj.bias"] = (nq,)
            shapes[p + "self_attn.k_proj.bias"] = (nkv,)
            shapes[p + "self_attn.v_proj.bias"] = (nkv,)
        if qwen3:
            shapes[p + "self_attn.q_norm.weight"] = (hd,)
            shapes[p + "self_attn.k_norm.weight"] = (hd,)
        shapes[p + "self_attn.o_proj.weight"] = (d, nq)
        shapes[p + "post_attention_layernorm.weight"] = (d,)
        shapes[p + "mlp.gate_proj.weight"] = (f, d)
        shapes[p + "mlp.up_proj.weight"] = (f, d)
        shapes[p + "mlp.down_proj.weight"] = (d, f)
    shapes["model.norm.weight"] = (d,)
    if not cfg["tie_word_embeddings"]:
        shapes["lm_head.weight"] = (cfg["vocab_size"], d)
    return shapes


def cmd_make(variant, out, seed, dtype="F32"):
    cfg = dict(VARIANTS[variant])
    cfg["vocab_size"] = VOCAB
    g = torch.Generator().manual_seed(int(seed))
    tensors = {}
    for name, shape in param_shapes(cfg).items():
        if name.endswith("norm.weight") or "layernorm" in name:
            t = 1.0 + 0.2 * torch.randn(shape, generator=g)
        elif name.endswith(".bias"):
            t = 0.3 * torch.randn(shape, generator=g)
        else:
            # Large enough that attention is far from uniform and logits are spread out.
            t = torch.randn(shape, generator=g) / math.sqrt(shape[-1]) * 1.5
        tensors[name] = (dtype, t.to(DT[dtype][0]))
    os.makedirs(out, exist_ok=True)
    write_file(os.path.join(out, "model.safetensors"), tensors)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)


def load(d):
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    w = {name: t.to(torch.float64) for name, (_, t) in read_tensors(os.path.join(d, "model.safetensors")).items()}
    if cfg.get("tie_word_embeddings"):
        w["lm_head.weight"] = w["model.embed_tokens.weight"]
    return cfg, w


def packed_row(row):
    """The tensors of one packed row {"input_ids", "labels", "position_ids", "segment_ids"}: ids, positions, the (T, T)
    mask of who may attend to whom (causal, within one example; padding attends to itself only) and the next-token
    targets, -100 where the label is ignored or the next token starts another example."""
    ids = torch.tensor(row["input_ids"])
    pos = torch.tensor(row["position_ids"])
    seg = torch.tensor(row["segment_ids"])
    lab = torch.tensor(row["labels"])
    T = ids.shape[0]
    allowed = torch.ones(T, T, dtype=torch.bool).tril() & (seg[:, None] == seg[None, :]) & (seg[None, :] >= 0)
    allowed |= torch.eye(T, dtype=torch.bool)
    target = lab[1:].clone()
    same = (seg[1:] == seg[:-1]) & (seg[:-1] >= 0)
    target[~same] = -100  # a label never predicts across a document boundary
    return ids, pos, allowed, target


def rms_norm(x, weight, eps):
    var = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(var + eps))


def inv_freq(cfg):
    hd = head_dim(cfg)
    inv = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    rs = cfg.get("rope_scaling")
    if rs and rs.get("rope_type", rs.get("type")) == "llama3":
        old, lo, hi, fac = rs["original_max_position_embeddings"], rs["low_freq_factor"], rs["high_freq_factor"], rs["factor"]
        out = []
        for f in inv.tolist():
            wl = 2 * math.pi / f
            if wl < old / hi:
                out.append(f)
            elif wl > old / lo:
                out.append(f / fac)
            else:
                s = (old / wl - lo) / (hi - lo)
                out.append((1 - s) * f / fac + s * f)
        inv = torch.tensor(out, dtype=torch.float64)
    return inv


def rotate(x, pos, inv):
    # x: (T, H, hd); pos: (T,)
    ang = pos.to(torch.float64)[:, None] * inv[None, :]          # (T, hd/2)
    cos = torch.cat([ang.cos(), ang.cos()], -1)[:, None, :].to(x.dtype)  # (T, 1, hd)
    sin = torch.cat([ang.sin(), ang.sin()], -1)[:, None, :].to(x.dtype)
    half = x.shape[-1] // 2
    rot = torch.cat([-x[..., half:], x[..., :half]], -1)
    return x * cos + rot * sin


def forward(cfg, w, ids, pos, allowed):
    """ids, pos: (T,) long; allowed: (T, T) bool, True where query i may attend key j. Returns (T, V) float64 logits."""
    eps, hd = cfg["rms_norm_eps"], head_dim(cfg)
    nh, nkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    inv = inv_freq(cfg)
    x = w["model.embed_tokens.weight"][ids]
    T = ids.shape[0]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)

        def proj(name):
            y = h @ w[p + f"self_attn.{name}.weight"].T
            b = w.get(p + f"self_attn.{name}.bias")
            return y if b is None else y + b

        q = proj("q_proj").view(T, nh, hd)
        k = proj("k_proj").view(T, nkv, hd)
        v = proj("v_proj").view(T, nkv, hd)
        if p + "self_attn.q_norm.weight" in w:
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], eps)
        q, k = rotate(q, pos, inv), rotate(k, pos, inv)
        rep = nh // nkv
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        att = torch.einsum("ihd,jhd->hij", q, k) / math.sqrt(hd)
        att = att.masked_fill(~allowed[None], float("-inf")).softmax(-1)
        o = torch.einsum("hij,jhd->ihd", att, v).reshape(T, nh * hd)
        x = x + o @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = h @ w[p + "mlp.gate_proj.weight"].T
        up = h @ w[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(gate) * up) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], eps)
    return x @ w["lm_head.weight"].T


def cmd_score(d, inp):
    cfg, w = load(d)
    with open(inp) as f:
        for line in f:
            ids = torch.tensor(json.loads(line)["ids"], dtype=torch.long)
            T = ids.shape[0]
            allowed = torch.ones(T, T, dtype=torch.bool).tril()
            logits = forward(cfg, w, ids, torch.arange(T), allowed)
            lp = logits.log_softmax(-1)[:-1].gather(-1, ids[1:, None])[:, 0]
            print(json.dumps({"logprobs": lp.tolist()}))


def cmd_packed(d, inp):
    cfg, w = load(d)
    with open(inp) as f:
        row = json.load(f)
    ids = torch.tensor(row["input_ids"])
    pos = torch.tensor(row["position_ids"])
    seg = torch.tensor(row["segment_ids"])
    T = ids.shape[0]
    allowed = torch.ones(T, T, dtype=torch.bool).tril() & (seg[:, None] == seg[None, :]) & (seg[None, :] >= 0)
    allowed |= torch.eye(T, dtype=torch.bool)  # padding rows attend to themselves only, so softmax stays finite
    print(json.dumps(forward(cfg, w, ids, pos, allowed).tolist()))


if __name__ == "__main__":
    c = sys.argv[1]
    if c == "make":
        cmd_make(*sys.argv[2:])
    elif c == "score":
        cmd_score(*sys.argv[2:])
    elif c == "packed":
        cmd_packed(*sys.argv[2:])
