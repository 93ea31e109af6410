# Oracle for exported chat templates: renders conversations with a folder's chat_template the way transformers'
# apply_chat_template(tokenize=False) does - Python Jinja2 in an ImmutableSandboxedEnvironment with trim_blocks and
# lstrip_blocks, the loopcontrols extension, transformers' tojson, raise_exception and strftime_now globals, and the
# tokenizer's special tokens as variables. A chat_template.jinja in the folder wins over tokenizer_config.json, as in
# transformers.
# Usage: /usr/bin/python3 render_chat_template.py <folder>
# stdin: {"conversations": [{"messages": [{role, content}...], "add_generation_prompt": bool}, ...]}
# stdout: {"texts": ["...", ...]}
import json
import os
import sys
from datetime import datetime

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

folder = sys.argv[1]
with open(os.path.join(folder, "tokenizer_config.json"), encoding="utf-8") as f:
    config = json.load(f)
source = config.get("chat_template")
jinja_file = os.path.join(folder, "chat_template.jinja")
if os.path.exists(jinja_file):
    with open(jinja_file, encoding="utf-8") as f:
        source = f.read()
if isinstance(source, list):
    source = next(t["template"] for t in source if t["name"] == "default")


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(fmt):
    return datetime.now().strftime(fmt)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
env.globals["strftime_now"] = strftime_now
template = env.from_string(source)


def content(token):
    return token["content"] if isinstance(token, dict) else token


special = {}
for key in ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]:
    if config.get(key) is not None:
        special[key] = content(config[key])
if config.get("additional_special_tokens"):
    special["additional_special_tokens"] = [content(t) for t in config["additional_special_tokens"]]

request = json.load(sys.stdin)
texts = [
    template.render(messages=c["messages"], tools=None, documents=None, add_generation_prompt=c["add_generation_prompt"], **special)
    for c in request["conversations"]
]
sys.stdout.write(json.dumps({"texts": texts}))
