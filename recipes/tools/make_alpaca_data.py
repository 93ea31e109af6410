#!/usr/bin/env python3
"""Generates recipes/alpaca-instruct/data/alpaca.jsonl: {"instruction", "input", "output"} records.

    python3 recipes/tools/make_alpaca_data.py [--out DIR]

Small text tasks (sort, reverse, count, filter, sum, ...) with several instruction phrasings each;
about a fifth have an empty "input", which the Alpaca prompt renders without its Input section.
Outputs are computed from the inputs. Same bytes on every run and Python >= 3.9.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sftdata import Rng, recipes_dir, write_jsonl  # noqa: E402
from small_tasks import WORDS  # noqa: E402

COUNT = 400


def words(rng, lo=3, hi=6):
    return rng.sample(WORDS, rng.between(lo, hi))


def numbers(rng, lo=4, hi=7):
    return [rng.between(1, 40) for _ in range(rng.between(lo, hi))]


def join_numbers(xs):
    return ", ".join(str(x) for x in xs)


# (instruction phrasings, make(rng) -> (input, output))
TASKS = [
    (["Sort the following words alphabetically.", "Put these words in alphabetical order."],
     lambda rng: (lambda ws: (" ".join(ws), " ".join(sorted(ws))))(words(rng))),
    (["Reverse the order of the words.", "Write the words in reverse order."],
     lambda rng: (lambda ws: (" ".join(ws), " ".join(reversed(ws))))(words(rng))),
    (["Convert the text to uppercase.", "Rewrite the text in capital letters."],
     lambda rng: (lambda ws: (" ".join(ws), " ".join(ws).upper()))(words(rng, 2, 4))),
    (["Count the words in the sentence.", "How many words does this text contain?"],
     lambda rng: (lambda ws: (" ".join(ws), str(len(ws))))(words(rng, 2, 7))),
    (["List the even numbers from the input.", "Keep only the even numbers."],
     lambda rng: (lambda xs: (join_numbers(xs), join_numbers([x for x in xs if x % 2 == 0]) or "none"))(numbers(rng))),
    (["Add up the numbers.", "What is the sum of these numbers?"],
     lambda rng: (lambda xs: (join_numbers(xs), str(sum(xs))))(numbers(rng, 2, 5))),
    (["Find the largest number.", "Which number is the biggest?"],
     lambda rng: (lambda xs: (join_numbers(xs), str(max(xs))))(numbers(rng))),
    (["Spell the word backwards.", "Write this word with its letters reversed."],
     lambda rng: (lambda w: (w, w[::-1]))(rng.choice(WORDS))),
    (["Give the first letter of each word.", "Write the initials of these words."],
     lambda rng: (lambda ws: (" ".join(ws), "".join(w[0] for w in ws)))(words(rng))),
]

# Tasks with no input: everything the model needs is in the instruction.
NO_INPUT = [
    lambda rng: (lambda k, n: ("List the first %d multiples of %d." % (n, k),
                               ", ".join(str(k * i) for i in range(1, n + 1))))(rng.between(2, 9), rng.between(3, 6)),
    lambda rng: (lambda a, b: ("Count from %d to %d." % (a, b), ", ".join(str(i) for i in range(a, b + 1))))(
        *(lambda a: (a, a + rng.between(2, 6)))(rng.between(1, 30))),
    lambda rng: (lambda w: ("How many letters are in the word \"%s\"?" % w, str(len(w))))(rng.choice(WORDS)),
]


def build():
    rng = Rng("alpaca-instruct-v1")
    rows, seen = [], set()
    while len(rows) < COUNT:
        if rng.chance(1, 5):
            instruction, output = rng.choice(NO_INPUT)(rng)
            text = ""
        else:
            phrasings, make = rng.choice(TASKS)
            instruction = rng.choice(phrasings)
            text, output = make(rng)
        row = {"instruction": instruction, "input": text, "output": output}
        key = json.dumps(row)
        if key in seen:
            continue
        seen.add(key)
        rows.append(row)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(recipes_dir(), "alpaca-instruct", "data"))
    args = parser.parse_args(argv)
    rows = build()
    path = write_jsonl(os.path.join(args.out, "alpaca.jsonl"), rows)
    print("alpaca-instruct: %d records (%d without input) -> %s"
          % (len(rows), sum(1 for r in rows if not r["input"]), path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
