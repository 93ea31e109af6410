#!/usr/bin/env python3
"""Scores generated Python functions against the code-assistant held-out set.

    python3 recipes/code-assistant/tools/check_code_completions.py \
        --heldout recipes/code-assistant/data/heldout.jsonl --completions out/completions.jsonl

Completions file: one JSON object per line, {"id": "<held-out id>", "completion": "<generated text>"}.
Prints one JSON object on stdout:
    {"items": N, "exact_match": 0..1, "pass_rate": 0..1, "tests_passed": 0..1, "errors": {...}}
pass_rate counts items whose every test passed; tests_passed counts single test cases.
With --details FILE, one line per item is also written there.

Generated code is untrusted and may loop or crash: each item runs in its own `python3 -I -S` child
process with a time limit (and, where the OS allows, a memory limit). Standard library only.
"""

import argparse
import json
import math
import os
import subprocess
import sys

# Runs inside the child: reads {"code", "entry_point", "tests"} on stdin, prints a list of booleans.
_CHILD = r'''
import json, math, sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
except Exception:
    pass
job = json.loads(sys.stdin.read())

def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return (isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool)
                and not isinstance(b, bool) and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9))
    if isinstance(a, tuple):
        a = list(a)
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b

results = []
namespace = {}
try:
    exec(compile(job["code"], "<completion>", "exec"), namespace)
    fn = namespace[job["entry_point"]]
except BaseException as e:
    print(json.dumps({"error": type(e).__name__}))
    sys.exit(0)
for t in job["tests"]:
    try:
        results.append(same(fn(*t["input"]), t["output"]))
    except BaseException:
        results.append(False)
print(json.dumps({"results": results}))
'''


def extract_code(text):
    """The code of a completion: inside the first ``` fence when there is one, else the whole text."""
    if "```" in text:
        inner = text.split("```", 2)[1]
        first_line, _, rest = inner.partition("\n")
        text = rest if first_line.strip().isalnum() or first_line.strip() == "" else inner
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n")).strip()


def run_tests(code, item, timeout):
    job = json.dumps({"code": code, "entry_point": item["entry_point"], "tests": item["tests"]})
    try:
        proc = subprocess.run([sys.executable, "-I", "-S", "-c", _CHILD], input=job, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return [False] * len(item["tests"]), "timeout"
    try:
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return [False] * len(item["tests"]), "crash"
    if "error" in out:
        return [False] * len(item["tests"]), out["error"]
    return out["results"], None


def read_jsonl(path, what):
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except ValueError as e:
                raise SystemExit("error: %s:%d: %s line is not JSON (%s)" % (path, number, what, e))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--heldout", required=True)
    parser.add_argument("--completions", required=True)
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per item")
    parser.add_argument("--details", help="optional JSONL file with one result per item")
    args = parser.parse_args(argv)

    items = {row["id"]: row for row in read_jsonl(args.heldout, "held-out")}
    completions = read_jsonl(args.completions, "completion")
    exact = passed_items = passed_tests = total_tests = 0
    errors = {}
    details = []
    for number, row in enumerate(completions, 1):
        if "id" not in row or "completion" not in row:
            raise SystemExit('error: %s:%d: expected {"id": ..., "completion": ...}' % (args.completions, number))
        item = items.get(row["id"])
        if item is None:
            raise SystemExit("error: %s:%d: id %r is not in %s" % (args.completions, number, row["id"], args.heldout))
        code = extract_code(row["completion"])
        is_exact = code == extract_code(item["reference"])
        results, error = run_tests(code, item, args.timeout)
        exact += is_exact
        passed_items += all(results)
        passed_tests += sum(1 for r in results if r)
        total_tests += len(results)
        if error:
            errors[error] = errors.get(error, 0) + 1
        details.append({"id": row["id"], "exact_match": is_exact, "tests": results, "error": error})
    n = len(completions)
    summary = {
        "items": n,
        "exact_match": exact / n if n else 0.0,
        "pass_rate": passed_items / n if n else 0.0,
        "tests_passed": passed_tests / total_tests if total_tests else 0.0,
        "errors": errors,
    }
    if args.details:
        with open(args.details, "w", encoding="utf-8", newline="\n") as f:
            for d in details:
                f.write(json.dumps(d) + "\n")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
