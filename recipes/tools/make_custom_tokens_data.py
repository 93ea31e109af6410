#!/usr/bin/env python3
"""Generates recipes/custom-tokens/data/user_assistant.jsonl in the {User, Assistant, Template} layout.

    python3 recipes/tools/make_custom_tokens_data.py [--out DIR]

"Template" is the system text. It changes what the right answer looks like (a sentence, one word,
capital letters), so the model has to read the text between <SOT> and <EOT> to get it right; some
records have no Template at all. Questions are opposites, plurals and past tenses from fixed tables.
Same bytes on every run and Python >= 3.9.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sftdata import Rng, recipes_dir, write_jsonl  # noqa: E402
from small_tasks import word_fact, word_fact_question, word_fact_sentence  # noqa: E402

COUNT = 300
# (system text or None, how the answer looks)
STYLES = [
    (None, lambda sentence, word: sentence),
    ("Answer with a full sentence.", lambda sentence, word: sentence),
    ("Answer with one word.", lambda sentence, word: word),
    ("Answer in capital letters.", lambda sentence, word: sentence.upper()),
    ("You are a terse assistant. Reply with the word only, in lowercase.", lambda sentence, word: word.lower()),
]


def build():
    rng = Rng("custom-tokens-v1")
    rows, seen = [], set()
    while len(rows) < COUNT:
        kind, w, answer = word_fact(rng)
        system, style = rng.choice(STYLES)
        row = {"User": word_fact_question(rng, kind, w), "Assistant": style(word_fact_sentence(kind, w, answer), answer)}
        if system is not None:
            row["Template"] = system
        key = json.dumps(row)
        if key in seen:
            continue
        seen.add(key)
        rows.append(row)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(recipes_dir(), "custom-tokens", "data"))
    args = parser.parse_args(argv)
    rows = build()
    path = write_jsonl(os.path.join(args.out, "user_assistant.jsonl"), rows)
    print("custom-tokens: %d records (%d with Template) -> %s"
          % (len(rows), sum(1 for r in rows if "Template" in r), path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
