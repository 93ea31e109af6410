#!/usr/bin/env python3
"""Generates recipes/forgetting-safe/data/{dates,general}.jsonl (messages format).

    python3 recipes/tools/make_forgetting_data.py [--out DIR]

dates.jsonl is the new, deliberately narrow task (rewrite ISO dates in another format): one output
shape, highly templated - the kind of data that makes a model forget what it could do before.
general.jsonl is the replay set standing for the skills to keep (arithmetic and unit chats, word
facts, small text tasks). Same bytes on every run and Python >= 3.9.
"""

import argparse
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sftdata import Rng, recipes_dir, write_jsonl  # noqa: E402
from small_tasks import (WORDS, arithmetic_question, unit_question, word_fact,  # noqa: E402
                         word_fact_question, word_fact_sentence)

TASK_COUNT = 300
GENERAL_COUNT = 400
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def date_example(rng):
    y, m = rng.between(1990, 2035), rng.between(1, 12)
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    d = rng.between(1, DAYS_IN_MONTH[m - 1] + (1 if m == 2 and leap else 0))
    iso = datetime.date(y, m, d).isoformat()  # raises on an impossible date instead of shipping it
    target = rng.choice(["us", "eu", "long"])
    if target == "us":
        question = rng.choice(["Convert %s to the US date format.", "Write %s as MM/DD/YYYY."]) % iso
        answer = "%02d/%02d/%04d" % (m, d, y)
    elif target == "eu":
        question = rng.choice(["Convert %s to the European date format.", "Write %s as DD.MM.YYYY."]) % iso
        answer = "%02d.%02d.%04d" % (d, m, y)
    else:
        question = rng.choice(["Write %s in words.", "Spell out the date %s."]) % iso
        answer = "%s %d, %d" % (MONTHS[m - 1], d, y)
    return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]


def general_example(rng):
    kind = rng.below(4)
    if kind == 0:
        a, word, sym, b, r = arithmetic_question(rng)
        return [{"role": "user", "content": rng.choice(["What is %d %s %d?" % (a, word, b), "Compute %d %s %d." % (a, sym, b)])},
                {"role": "assistant", "content": "%d %s %d is %d." % (a, word, b, r)}]
    if kind == 1:
        n, big, small, m = unit_question(rng)
        return [{"role": "user", "content": "How many %s are in %d %s?" % (small, n, big)},
                {"role": "assistant", "content": "%d %s is %d %s." % (n, big, m, small)}]
    if kind == 2:
        k, w, answer = word_fact(rng)
        return [{"role": "user", "content": word_fact_question(rng, k, w)},
                {"role": "assistant", "content": word_fact_sentence(k, w, answer)}]
    ws = rng.sample(WORDS, rng.between(3, 5))
    if rng.chance(1, 2):
        return [{"role": "user", "content": "Sort these words alphabetically: %s" % " ".join(ws)},
                {"role": "assistant", "content": " ".join(sorted(ws))}]
    return [{"role": "user", "content": "How many words are in \"%s\"?" % " ".join(ws)},
            {"role": "assistant", "content": "There are %d words." % len(ws)}]


def unique_rows(rng, count, make):
    rows, seen = [], set()
    while len(rows) < count:
        messages = make(rng)
        key = json.dumps(messages)
        if key not in seen:
            seen.add(key)
            rows.append({"messages": messages})
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(recipes_dir(), "forgetting-safe", "data"))
    args = parser.parse_args(argv)
    rng = Rng("forgetting-safe-v1")
    task = unique_rows(rng, TASK_COUNT, date_example)
    general = unique_rows(rng, GENERAL_COUNT, general_example)
    p1 = write_jsonl(os.path.join(args.out, "dates.jsonl"), task)
    p2 = write_jsonl(os.path.join(args.out, "general.jsonl"), general)
    print("forgetting-safe: %d task examples -> %s, %d replay examples -> %s" % (len(task), p1, len(general), p2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
