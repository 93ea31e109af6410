#!/usr/bin/env python3
"""Regenerates every shipped recipe dataset: python3 recipes/tools/make_all_data.py

Each generator is deterministic, so running this on a clean checkout must leave `git status` clean;
`--check` does exactly that comparison in a temporary folder and exits 1 on any difference.
"""

import filecmp
import os
import subprocess
import sys
import tempfile

TOOLS = os.path.dirname(os.path.abspath(__file__))
RECIPES = os.path.dirname(TOOLS)
# (generator script, recipe folder whose data/ it writes)
GENERATORS = [
    ("make_code_data.py", "code-assistant"),
    ("make_chat_data.py", "chat-lora"),
    ("make_alpaca_data.py", "alpaca-instruct"),
    ("make_custom_tokens_data.py", "custom-tokens"),
    ("make_forgetting_data.py", "forgetting-safe"),
]


def main(argv):
    check = "--check" in argv
    differences = 0
    for script, recipe in GENERATORS:
        shipped = os.path.join(RECIPES, recipe, "data")
        with tempfile.TemporaryDirectory() as tmp:
            out = tmp if check else shipped
            subprocess.run([sys.executable, os.path.join(TOOLS, script), "--out", out], check=True)
            if check:
                for name in sorted(os.listdir(tmp)):
                    ours = os.path.join(shipped, name)
                    if not os.path.exists(ours) or not filecmp.cmp(os.path.join(tmp, name), ours, shallow=False):
                        print("differs from the generator's output: %s" % ours)
                        differences += 1
    if check:
        print("all shipped datasets match their generators" if differences == 0 else "%d file(s) differ" % differences)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
