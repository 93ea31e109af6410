"""Independent safetensors reader/writer for the tests: struct + json only, torch for dtype rounding.

  write DIR   -> writes DIR/mixed.safetensors and a sharded checkpoint DIR/sharded/, prints expected values as JSON
  read FILE   -> prints {name: {"dtype", "shape", "values"}} for every tensor of FILE (values as float/int lists)
  tobf16 a b… -> prints the bfloat16 bit patterns torch rounds the given floats to
"""
import json
import struct
import sys

import torch

DT = {"F32": (torch.float32, 4), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2), "I64": (torch.int64, 8)}


def tensor_bytes(t):
    # bfloat16 has no numpy dtype: go through int16 views to get the raw little-endian bytes.
    if t.dtype in (torch.bfloat16, torch.float16):
        return t.contiguous().view(torch.int16).numpy().tobytes()
    return t.contiguous().numpy().tobytes()


def write_file(path, tensors):
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for name, (dtname, t) in tensors.items():
        b = tensor_bytes(t)
        header[name] = {"dtype": dtname, "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_tensors(path):
    """{name: (dtype name, tensor)} of a safetensors file, each tensor in the dtype the file stores (write_file's input)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        dt, size = DT[e["dtype"]]
        b, en = e["data_offsets"]
        raw = bytearray(body[b:en])
        numel = 1
        for s in e["shape"]:
            numel *= s
        assert len(raw) == numel * size, name
        if numel == 0:
            t = torch.empty(0, dtype=dt)
        elif dt in (torch.bfloat16, torch.float16):
            t = torch.frombuffer(raw, dtype=torch.int16).view(dt)  # no numpy dtype for bfloat16
        else:
            t = torch.frombuffer(raw, dtype=dt)
        out[name] = (e["dtype"], t.reshape(e["shape"]))
    return out


def values(t):
    if t.dtype == torch.int64:
        return t.flatten().tolist()
    return t.to(torch.float32).flatten().tolist()


def cmd_write(d):
    import os
    g = torch.Generator().manual_seed(7)
    base = torch.randn(3, 5, generator=g)
    tensors = {
        "w.f32": ("F32", base.clone()),
        "w.f16": ("F16", (base * 3).to(torch.float16)),
        "w.bf16": ("BF16", (base * 11).to(torch.bfloat16)),
        "ids.i64": ("I64", torch.tensor([[1, -2, 3], [2**40, 5, -(2**33)]], dtype=torch.int64)),
        "scalar": ("F32", torch.tensor(2.5)),
    }
    write_file(os.path.join(d, "mixed.safetensors"), tensors)
    os.makedirs(os.path.join(d, "sharded"), exist_ok=True)
    a = {"model.a.weight": ("F32", torch.randn(4, 2, generator=g)), "model.b.weight": ("BF16", torch.randn(2, generator=g).to(torch.bfloat16))}
    b = {"lm_head.weight": ("F16", torch.randn(3, 3, generator=g).to(torch.float16))}
    write_file(os.path.join(d, "sharded", "model-00001-of-00002.safetensors"), a)
    write_file(os.path.join(d, "sharded", "model-00002-of-00002.safetensors"), b)
    wm = {k: "model-00001-of-00002.safetensors" for k in a}
    wm.update({k: "model-00002-of-00002.safetensors" for k in b})
    with open(os.path.join(d, "sharded", "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": 0}, "weight_map": wm}, f)
    out = {}
    for group in (tensors, a, b):
        for k, (dtname, t) in group.items():
            out[k] = {"dtype": dtname, "shape": list(t.shape), "values": values(t)}
    print(json.dumps(out))


def cmd_read(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
    assert n % 8 == 0, "header length must be padded to a multiple of 8"
    out = {name: {"dtype": dtname, "shape": list(t.shape), "values": values(t)} for name, (dtname, t) in read_tensors(path).items()}
    print(json.dumps(out))


def cmd_tobf16(xs):
    t = torch.tensor([float(x) for x in xs], dtype=torch.float32).to(torch.bfloat16)
    print(json.dumps([v & 0xFFFF for v in t.view(torch.int16).tolist()]))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "write":
        cmd_write(sys.argv[2])
    elif cmd == "read":
        cmd_read(sys.argv[2])
    elif cmd == "tobf16":
        cmd_tobf16(sys.argv[2:])
