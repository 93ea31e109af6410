"""PyTorch oracle for LayerGradientTests: one Llama layer (RMSNorm, RoPE, GQA attention, SwiGLU MLP, LoRA linear)
written here in plain torch ops from the Hugging Face modeling code's math, run forward and backward on inputs the C#
test sends (a JSON file: tensors as shape + flat values), printing the output and every gradient (JSON on stdout).
The loss is sum(out * g) with the test's random g, so each gradient is the layer's vector-Jacobian product with g.
Usage: /usr/bin/python3 layer_reference.py case.json"""
import json
import sys

import torch
import torch.nn.functional as F


def rms_norm(x, w, eps):
    x32 = x.float()
    return (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype) * w


def rope(x, pos, theta):
    # x (B, H, T, hd), pos (B, T): rotate-half layout, angles from explicit positions
    hd = x.shape[-1]
    inv = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
    freqs = pos.float()[..., None] * inv                       # (B, T, hd/2)
    emb = torch.cat([freqs, freqs], -1)[:, None]               # (B, 1, T, hd)
    x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
    return x * emb.cos() + torch.cat([-x2, x1], -1) * emb.sin()


def attention(t, c):
    x, pos = t["x"], t["pos"].long()
    B, T, _ = x.shape
    nh, nkv, hd = c["heads"], c["kv_heads"], c["head_dim"]
    q = F.linear(x, t["wq"]).view(B, T, nh, hd).transpose(1, 2)
    k = F.linear(x, t["wk"]).view(B, T, nkv, hd).transpose(1, 2)
    v = F.linear(x, t["wv"]).view(B, T, nkv, hd).transpose(1, 2)
    q, k = rope(q, pos, c["theta"]), rope(k, pos, c["theta"])
    k = k.repeat_interleave(nh // nkv, dim=1)                  # HF repeat_kv: kv head j serves query heads j*rep..
    v = v.repeat_interleave(nh // nkv, dim=1)
    scores = q @ k.transpose(-1, -2) / hd ** 0.5
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    y = torch.softmax(scores.masked_fill(~causal, float("-inf")), -1) @ v
    return F.linear(y.transpose(1, 2).reshape(B, T, nh * hd), t["wo"])


def mlp(t, c):
    x = t["x"]
    return F.linear(F.silu(F.linear(x, t["wg"])) * F.linear(x, t["wu"]), t["wd"])


def lora_linear(t, c):
    x = t["x"]
    return F.linear(x, t["w"]) + c["scaling"] * F.linear(F.linear(x, t["a"]), t["b"])


LAYERS = {
    "rms_norm": lambda t, c: rms_norm(t["x"], t["w"], c["eps"]),
    "rope": lambda t, c: rope(t["x"], t["pos"].long(), c["theta"]),
    "attention": attention,
    "mlp": mlp,
    "lora_linear": lora_linear,
}


def main():
    with open(sys.argv[1]) as f:
        case = json.load(f)
    t = {}
    for name, spec in case["tensors"].items():
        value = torch.tensor(spec["data"], dtype=torch.float32).reshape(spec["shape"])
        t[name] = value.requires_grad_(name in case["grads"])
    out = LAYERS[case["layer"]](t, case["config"])
    (out * t["g"]).sum().backward()
    result = {"out": out.detach().reshape(-1).tolist()}
    for name in case["grads"]:
        result["grad_" + name] = t[name].grad.reshape(-1).tolist()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
