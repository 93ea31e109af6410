"""PyTorch oracle for LlamaBlockParityTests: reads inputs/weights written by the C# test (safetensors layout),
runs the same Llama-style block forward + backward + AdamW steps with stock PyTorch, writes the results.
Usage: /usr/bin/python3 llama_block.py <inputs.safetensors> <outputs.safetensors>"""
import json
import struct
import sys

import torch
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "BOOL": torch.bool}
NAMES = {v: k for k, v in DTYPES.items()}


def read(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        raw = bytearray(data[8 + n + b:8 + n + e])
        out[name] = torch.frombuffer(raw, dtype=DTYPES[info["dtype"]]).reshape(info["shape"]).clone()
    return out, header.get("__metadata__", {})


def write(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        raw = t.numpy().tobytes()
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def block(p, ids, labels, heads, eps, theta):
    B, T = ids.shape
    D = p["emb"].shape[1]
    hd = D // heads
    x = F.embedding(ids, p["emb"])
    h = rms_norm(x, p["attn_norm"], eps)
    q = F.linear(h, p["wq"]).view(B, T, heads, hd).transpose(1, 2)
    k = F.linear(h, p["wk"]).view(B, T, heads, hd).transpose(1, 2)
    v = F.linear(h, p["wv"]).view(B, T, heads, hd).transpose(1, 2)
    inv_freq = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
    freqs = torch.outer(torch.arange(T, dtype=torch.float32), inv_freq)
    angles = torch.cat((freqs, freqs), dim=-1)
    cos, sin = angles.cos(), angles.sin()
    q = q * cos + rotate_half(q) * sin
    k = k * cos + rotate_half(k) * sin
    scores = q @ k.transpose(-2, -1) / (hd ** 0.5)
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    scores = scores.masked_fill(~causal, float("-inf"))
    attn = torch.softmax(scores, dim=-1) @ v
    x = x + F.linear(attn.transpose(1, 2).reshape(B, T, D), p["wo"])
    h2 = rms_norm(x, p["mlp_norm"], eps)
    x = x + F.linear(F.silu(F.linear(h2, p["wg"])) * F.linear(h2, p["wu"]), p["wd"])
    logits = F.linear(rms_norm(x, p["final_norm"], eps), p["lm_head"])
    return F.cross_entropy(logits.view(-1, logits.shape[-1]), labels.view(-1), ignore_index=-100)


def main():
    torch.set_num_threads(1)
    tensors, meta = read(sys.argv[1])
    ids, labels = tensors.pop("ids"), tensors.pop("labels")
    params = {k[2:]: v.requires_grad_(True) for k, v in tensors.items() if k.startswith("p.")}
    heads, eps, theta = int(meta["heads"]), float(meta["eps"]), float(meta["theta"])
    lrs = [float(x) for x in meta["lrs"].split(",")]
    no_decay = [params[n] for n in sorted(params) if n.endswith("norm")]
    decay = [params[n] for n in sorted(params) if not n.endswith("norm")]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": float(meta["wd"])}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=lrs[0], betas=(float(meta["beta1"]), float(meta["beta2"])), eps=float(meta["adam_eps"]))
    out = {}
    for step, lr in enumerate(lrs):
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad()
        loss = block(params, ids, labels, heads, eps, theta)
        loss.backward()
        out[f"loss{step}"] = loss.detach().reshape(1)
        if step == 0:
            for n, p in params.items():
                out[f"grad0.{n}"] = p.grad.clone()
        opt.step()
    with torch.no_grad():
        out[f"loss{len(lrs)}"] = block(params, ids, labels, heads, eps, theta).reshape(1)
    for n, p in params.items():
        out[f"final.{n}"] = p
    write(sys.argv[2], out)
    print(torch.__version__)


if __name__ == "__main__":
    main()
