#!/usr/bin/env python3
"""Writes recipes/models/tiny-chat: a small, randomly initialised Hugging Face checkpoint folder.

No pretrained weights can be downloaded where DeclarativeSft is built and tested, yet three shipped
recipes (chat-lora, custom-tokens, forgetting-safe) show features that only make sense on a model
folder: a model's own Jinja chat_template, LoRA on its linear layers, new special tokens added to its
vocabulary, replay against forgetting. This script makes such a folder, deterministically and with
the standard library only:

  config.json            LlamaForCausalLM, 2 layers, GQA (4 query heads, 2 key/value heads)
  tokenizer.json         byte-level BPE (Qwen2-style pre-tokenizer) with merges learned on the
                         shipped recipes' text, plus ChatML special tokens
  tokenizer_config.json  ChatML chat_template, eos <|im_end|>, pad <|endoftext|>
  model.safetensors      float32 weights, N(0, 0.02) like HF's initialiser, norms at 1

Usage: python3 recipes/tools/make_tiny_chat_model.py [--out DIR]
"""

import json
import math
import os
import re
import struct
import sys
import tempfile

from sftdata import Rng, fail, recipes_dir

MERGES = 700
HIDDEN = 64
INTERMEDIATE = 176
LAYERS = 2
HEADS = 4
KV_HEADS = 2
SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]

# Qwen2's pre-tokenizer pattern, written into tokenizer.json for the runtime. Python's `re` has no
# \p{L}; merges are learned with the ASCII approximation below, which only affects which merges are
# learned, never whether the tokenizer is valid.
SPLIT_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                 r"|\s*[\r\n]+|\s+(?!\S)|\s+")
TRAINING_SPLIT = re.compile(r"'s|'t|'re|'ve|'m|'ll|'d|[^\r\n\w]?[^\W\d_]+|\d| ?[^\s\w]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")

CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)


def bytes_to_unicode():
    """The byte-level alphabet: printable bytes map to themselves, the rest to code points from 256 on."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    mapping, extra = {}, 0
    for b in range(256):
        if b in printable:
            mapping[b] = chr(b)
        else:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


def corpus_texts():
    """Every string of the shipped recipes' data, in a fixed order."""
    root = recipes_dir()
    texts = []
    for recipe in sorted(os.listdir(root)):
        data = os.path.join(root, recipe, "data")
        if not os.path.isdir(data):
            continue
        for name in sorted(os.listdir(data)):
            with open(os.path.join(data, name), encoding="utf-8") as f:
                for line in f:
                    collect_strings(json.loads(line), texts)
    return texts


def collect_strings(value, out):
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for key in value:
            collect_strings(value[key], out)
    elif isinstance(value, list):
        for item in value:
            collect_strings(item, out)


def learn_merges(texts, count):
    """Plain BPE training: repeatedly merge the most frequent adjacent pair (ties: smallest pair)."""
    alphabet = bytes_to_unicode()
    words = {}
    for text in texts:
        for piece in TRAINING_SPLIT.findall(text):
            word = tuple(alphabet[b] for b in piece.encode("utf-8"))
            words[word] = words.get(word, 0) + 1
    merges = []
    for _ in range(count):
        pairs = {}
        for word, freq in words.items():
            for a, b in zip(word, word[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + freq
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))
        if pairs[best] < 2:
            break
        merges.append(best)
        merged = {}
        for word, freq in words.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + freq
        words = merged
    return merges


def tokenizer_json(merges):
    alphabet = bytes_to_unicode()
    vocab = {}
    for b in range(256):
        vocab[alphabet[b]] = len(vocab)
    for a, b in merges:
        if a + b not in vocab:
            vocab[a + b] = len(vocab)
    added = []
    for token in SPECIAL_TOKENS:
        added.append({"id": len(vocab) + len(added), "content": token, "single_word": False, "lstrip": False,
                      "rstrip": False, "normalized": False, "special": True})
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": SPLIT_PATTERN}, "behavior": "Isolated", "invert": False},
            dict(byte_level)]},
        "post_processor": dict(byte_level, trim_offsets=False),
        "decoder": dict(byte_level),
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": [[a, b] for a, b in merges]},
    }


def gaussian_floats(rng, n, std):
    """Box-Muller on the SplitMix64 stream: reproducible on every Python version."""
    out = []
    while len(out) < n:
        u1 = (rng.next64() >> 11) / float(1 << 53)
        u2 = (rng.next64() >> 11) / float(1 << 53)
        radius = math.sqrt(-2.0 * math.log(max(u1, 1e-300)))
        out.append(radius * math.cos(2 * math.pi * u2) * std)
        out.append(radius * math.sin(2 * math.pi * u2) * std)
    return out[:n]


def weights(vocab_size, rng):
    head_dim = HIDDEN // HEADS
    shapes = [("model.embed_tokens.weight", (vocab_size, HIDDEN))]
    for i in range(LAYERS):
        p = "model.layers.%d." % i
        shapes += [
            (p + "input_layernorm.weight", (HIDDEN,)),
            (p + "self_attn.q_proj.weight", (HEADS * head_dim, HIDDEN)),
            (p + "self_attn.k_proj.weight", (KV_HEADS * head_dim, HIDDEN)),
            (p + "self_attn.v_proj.weight", (KV_HEADS * head_dim, HIDDEN)),
            (p + "self_attn.o_proj.weight", (HIDDEN, HEADS * head_dim)),
            (p + "post_attention_layernorm.weight", (HIDDEN,)),
            (p + "mlp.gate_proj.weight", (INTERMEDIATE, HIDDEN)),
            (p + "mlp.up_proj.weight", (INTERMEDIATE, HIDDEN)),
            (p + "mlp.down_proj.weight", (HIDDEN, INTERMEDIATE)),
        ]
    shapes += [("model.norm.weight", (HIDDEN,)), ("lm_head.weight", (vocab_size, HIDDEN))]
    tensors = []
    for name, shape in shapes:
        n = 1
        for d in shape:
            n *= d
        values = [1.0] * n if name.endswith("norm.weight") else gaussian_floats(rng, n, 0.02)
        tensors.append((name, shape, values))
    return tensors


def safetensors_bytes(tensors):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, shape, values in tensors:
        blob = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    head += b" " * ((8 - len(head) % 8) % 8)  # keep tensor data 8-byte aligned, as the format recommends
    return struct.pack("<Q", len(head)) + head + b"".join(blobs)


def write_atomic(path, data):
    folder = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def dump_json(obj):
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def main(argv):
    out = os.path.join(recipes_dir(), "models", "tiny-chat")
    if "--out" in argv:
        out = argv[argv.index("--out") + 1]
    os.makedirs(out, exist_ok=True)
    texts = corpus_texts()
    if not texts:
        fail("no recipe data found under %s: generate the datasets first (make_all_data.py)" % recipes_dir())
    merges = learn_merges(texts, MERGES)
    tokenizer = tokenizer_json(merges)
    vocab_size = len(tokenizer["model"]["vocab"]) + len(SPECIAL_TOKENS)
    ids = {t["content"]: t["id"] for t in tokenizer["added_tokens"]}
    config = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama",
        "hidden_size": HIDDEN, "intermediate_size": INTERMEDIATE, "num_hidden_layers": LAYERS,
        "num_attention_heads": HEADS, "num_key_value_heads": KV_HEADS, "head_dim": HIDDEN // HEADS,
        "vocab_size": vocab_size, "max_position_embeddings": 1024, "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0, "tie_word_embeddings": False, "hidden_act": "silu",
        "torch_dtype": "float32", "bos_token_id": None, "eos_token_id": ids["<|im_end|>"],
    }
    tokenizer_config = {
        "chat_template": CHAT_TEMPLATE, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>",
        "bos_token": None, "unk_token": None, "model_max_length": 1024, "tokenizer_class": "PreTrainedTokenizerFast",
        "added_tokens_decoder": {str(t["id"]): {k: v for k, v in t.items() if k != "id"} for t in tokenizer["added_tokens"]},
    }
    write_atomic(os.path.join(out, "config.json"), dump_json(config))
    write_atomic(os.path.join(out, "tokenizer.json"), dump_json(tokenizer))
    write_atomic(os.path.join(out, "tokenizer_config.json"), dump_json(tokenizer_config))
    write_atomic(os.path.join(out, "model.safetensors"), safetensors_bytes(weights(vocab_size, Rng("tiny-chat"))))
    print("wrote %s (vocab %d, %d merges)" % (out, vocab_size, len(merges)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
