#!/usr/bin/env python3
"""Generates recipes/chat-lora/data/chat.jsonl: short multi-turn chats about arithmetic and units.

    python3 recipes/tools/make_chat_data.py [--out DIR]

Follow-up turns ("And if I multiply that by 3?") only make sense with the earlier turns in view, so
the data exercises multi-turn rendering and assistant-only loss on every assistant turn. Every answer
is computed. Same bytes on every run and Python >= 3.9.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sftdata import Rng, fail, recipes_dir, write_jsonl  # noqa: E402
from small_tasks import arithmetic_question, unit_question  # noqa: E402

COUNT = 320
SYSTEMS = ["You are a concise math tutor.", "Answer briefly and give the result.", "You are a helpful assistant."]
FIRST_FORMS = ["What is {a} {word} {b}?", "Compute {a} {sym} {b}.", "How much is {a} {word} {b}?", "{a} {sym} {b} = ?"]
FOLLOW_UPS = [
    ("times", ["And if I multiply that by {k}?", "Now times {k}.", "What about that times {k}?"], lambda r, k: r * k),
    ("plus", ["Add {k} to that.", "And plus {k}?", "Now add {k}."], lambda r, k: r + k),
    ("minus", ["Now subtract {k}.", "And minus {k}?", "Take {k} away from that."], lambda r, k: r - k),
]


def arithmetic_chat(rng):
    a, word, sym, b, r = arithmetic_question(rng)
    turns = [(rng.choice(FIRST_FORMS).format(a=a, word=word, sym=sym, b=b), "%d %s %d is %d." % (a, word, b, r))]
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        word2, forms, fn = rng.choice(FOLLOW_UPS)
        k = rng.between(2, 9)
        r2 = fn(r, k)
        turns.append((rng.choice(forms).format(k=k), "%d %s %d is %d." % (r, word2, k, r2)))
        r = r2
    return turns


def unit_chat(rng):
    n, big, small, m = unit_question(rng)
    factor = m // n
    question = "How many %s are in %d %s?" % (small, n, big) if rng.chance(1, 2) else \
        "Convert %d %s to %s." % (n, big, small)
    turns = [(question, "%d %s is %d %s." % (n, big, m, small))]
    if rng.chance(1, 2):
        n2 = rng.between(2, 12)
        turns.append(("And %d %s?" % (n2, big), "%d %s is %d %s." % (n2, big, n2 * factor, small)))
    return turns


def build():
    rng = Rng("chat-lora-v1")
    rows, seen = [], set()
    while len(rows) < COUNT:
        turns = arithmetic_chat(rng) if rng.chance(2, 3) else unit_chat(rng)
        messages = [{"role": "system", "content": rng.choice(SYSTEMS)}] if rng.chance(1, 3) else []
        for user, assistant in turns:
            messages += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
        key = json.dumps(messages)
        if key in seen:
            continue
        seen.add(key)
        rows.append({"messages": messages})
    check(rows)
    return rows


def check(rows):
    """Re-derives every arithmetic answer from its own text, so a formatting slip cannot ship."""
    ops = {"plus": lambda a, b: a + b, "minus": lambda a, b: a - b, "times": lambda a, b: a * b}
    for i, row in enumerate(rows):
        for m in row["messages"]:
            if m["role"] != "assistant":
                continue
            parts = m["content"].rstrip(".").split(" ")
            if parts[1] in ops and int(parts[4]) != ops[parts[1]](int(parts[0]), int(parts[2])):
                fail("chat %d: wrong arithmetic in %r" % (i, m["content"]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(recipes_dir(), "chat-lora", "data"))
    args = parser.parse_args(argv)
    rows = build()
    path = write_jsonl(os.path.join(args.out, "chat.jsonl"), rows)
    turns = sum(sum(1 for m in r["messages"] if m["role"] == "assistant") for r in rows)
    print("chat-lora: %d conversations, %d assistant turns -> %s" % (len(rows), turns, path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
