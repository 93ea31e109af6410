#!/usr/bin/env python3
"""Generates the code-assistant recipe's dataset: small Python-function tasks in many phrasings.

    python3 recipes/tools/make_code_data.py            # writes recipes/code-assistant/data/*.jsonl
    python3 recipes/tools/make_code_data.py --out DIR  # writes DIR/train.jsonl and DIR/heldout.jsonl

Output is identical byte for byte on every run and on every Python >= 3.9 (own PRNG, no hash
randomisation, no clock, no network).

A task *instance* is (family, function name, parameter names, constants). Phrasing, wrapper text and
system prompt only change the wording. A deterministic hash picks some instances per family and
keeps them out of training entirely, so held-out items ask for a function whose exact code (name,
parameters, constants together) the model has never been trained on. Each held-out line carries the
reference solution, the entry point and test cases, so a runner can measure exact match and unit
test pass rate (see ../code-assistant/tools/check_code_completions.py).

Every solution - training and held-out - is executed here and compared with an independent oracle
on its test inputs; the script stops with an error instead of writing data that does not pass.
"""

import argparse
import copy
import json
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sftdata import Rng, fail, recipes_dir, stable_hash, write_jsonl  # noqa: E402

SEED = "code-assistant-v1"
TRAIN_COUNT = 5000
HELDOUT_COUNT = 200
HELDOUT_FRACTION = 0.12  # of each family's instances, at least one per family

SYSTEM_PROMPTS = [
    "You are a Python expert.",
    "You write short, correct Python functions.",
    "Reply with Python code only.",
    "You are a helpful coding assistant.",
]
# (text, weight): most requests are plain, some carry the small additions real users type.
WRAPPERS = [
    ("{p}", 12),
    ("{p} Only the code, please.", 2),
    ("Python: {p}", 2),
    ("{p} Keep it short.", 2),
    ("Quick one. {p}", 1),
    ("{p} No explanation needed.", 1),
]

WORDS = [
    "apple", "river", "stone", "cloud", "tiger", "lemon", "piano", "candle", "garden", "rocket",
    "pencil", "window", "silver", "orange", "planet", "forest", "button", "dragon", "yellow",
    "castle", "marble", "coffee", "spider", "winter", "banana", "mirror", "bridge", "pepper",
    "rabbit", "summer", "cat", "dog", "sun", "sky", "tree", "book", "map", "cup", "red", "blue",
    "kiwi", "fig", "owl", "bee", "ant", "hat", "pen", "key", "box", "egg",
]
PALINDROMES = ["level", "racecar", "noon", "abba", "madam", "refer", "kayak", "wow", "a", "stats"]


class Family:
    """One kind of task. `body` and `prompts` use {name}, {sig}, {args}, {a0}, {a1} and const keys."""

    def __init__(self, key, names, params, prompts, body, oracle, inputs, consts=None, tests=3):
        self.key = key
        self.names = names
        self.params = params
        self.prompts = prompts
        self.body = body
        self.oracle = oracle
        self.inputs = inputs
        self.consts = consts if consts is not None else [{}]
        self.tests = tests


# --- random inputs -------------------------------------------------------------------------------

def word(rng):
    return rng.choice(WORDS)


def sentence(rng, lo=2, hi=5):
    return " ".join(word(rng) for _ in range(rng.between(lo, hi)))


def mixed_case(rng, text):
    return "".join(ch.upper() if rng.chance(1, 4) else ch for ch in text)


def ints(rng, lo=-20, hi=30, n_lo=3, n_hi=7):
    return [rng.between(lo, hi) for _ in range(rng.between(n_lo, n_hi))]


def word_list(rng, n_lo=3, n_hi=6):
    return [word(rng) for _ in range(rng.between(n_lo, n_hi))]


def distinct_words(rng, n):
    return rng.sample(WORDS, n)


def score_dict(rng, lo=0, hi=60, n_lo=2, n_hi=5):
    return {w: rng.between(lo, hi) for w in distinct_words(rng, rng.between(n_lo, n_hi))}


def each(n, make):
    """n test argument lists from make(i)."""
    return [make(i) for i in range(n)]


# --- the families --------------------------------------------------------------------------------

def string_families():
    text_args = [("s",), ("text",), ("word",), ("value",)]
    sent_args = [("s",), ("text",), ("sentence",), ("line",)]
    return [
        Family(
            "reverse_string",
            ["reverse_string", "reverse_text", "flip_text", "backwards", "rev_str"],
            text_args,
            ["Write a Python function `{sig}` that returns the string {a0} reversed.",
             "Implement {name}({a0}): it should give back the characters of {a0} in reverse order.",
             "I need a function called {name} that takes a string `{a0}` and returns it backwards.",
             "Create `{name}`, which reverses the text passed in as `{a0}`."],
            "def {name}({a0}):\n    return {a0}[::-1]",
            lambda c, s: "".join(reversed(s)),
            lambda rng, c: each(3, lambda i: [sentence(rng, 1, 3)])),
        Family(
            "count_vowels",
            ["count_vowels", "vowel_count", "num_vowels", "vowels_in"],
            sent_args,
            ["Write `{sig}` that returns how many vowels (a, e, i, o, u, any case) are in {a0}.",
             "Define a function {name} taking a string `{a0}` and counting its vowels, upper or lower case.",
             "Count the vowels in a string: implement {name}({a0}), case-insensitive.",
             "How would I write {name}({a0}) to return the number of vowels in {a0}, ignoring case?"],
            "def {name}({a0}):\n    return sum(1 for ch in {a0}.lower() if ch in \"aeiou\")",
            lambda c, s: len([ch for ch in s if ch in "aeiouAEIOU"]),
            lambda rng, c: each(3, lambda i: [mixed_case(rng, sentence(rng, 1, 4))])),
        Family(
            "is_palindrome",
            ["is_palindrome", "palindrome", "is_mirror", "reads_same_backwards"],
            [("s",), ("word",), ("text",)],
            ["Write a Python function `{sig}` that returns True if {a0} reads the same forwards and backwards.",
             "Implement {name}({a0}) returning whether the string {a0} is a palindrome.",
             "I want a function {name} that checks if {a0} is a palindrome and returns a bool.",
             "Create `{sig}`: True when {a0} equals its reverse, otherwise False."],
            "def {name}({a0}):\n    return {a0} == {a0}[::-1]",
            lambda c, s: all(s[i] == s[len(s) - 1 - i] for i in range(len(s))),
            lambda rng, c: [[rng.choice(PALINDROMES)], [word(rng) + "x"], [rng.choice(PALINDROMES)]]),
        Family(
            "capitalize_words",
            ["capitalize_words", "title_words", "cap_each_word", "capitalize_all"],
            sent_args,
            ["Write `{sig}` that capitalizes the first letter of every word in {a0}.",
             "Implement {name}({a0}): split {a0} into words, capitalize each one and join them with single spaces.",
             "I need a function {name} that turns 'hello big world' into 'Hello Big World'; the input is {a0}.",
             "Create a function called {name} that takes a sentence `{a0}` and returns it with each word capitalized."],
            "def {name}({a0}):\n    return \" \".join(w.capitalize() for w in {a0}.split())",
            lambda c, s: " ".join(w[:1].upper() + w[1:].lower() for w in s.split(" ") if w),
            lambda rng, c: each(3, lambda i: [sentence(rng, 2, 4)])),
        Family(
            "count_char",
            ["count_letter", "count_char", "occurrences", "letter_count"],
            [("s",), ("text",), ("word",)],
            ["Write `{sig}` that counts how many times the letter '{ch}' appears in {a0}.",
             "Implement {name}({a0}) returning the number of '{ch}' characters in {a0}.",
             "Define a function {name} that takes {a0} and returns how often '{ch}' occurs in it.",
             "How many '{ch}' are in a string? Write {name}({a0}) to answer that."],
            "def {name}({a0}):\n    return {a0}.count(\"{ch}\")",
            lambda c, s: len([x for x in s if x == c["ch"]]),
            lambda rng, c: each(3, lambda i: [sentence(rng, 2, 5)]),
            consts=[{"ch": ch} for ch in "aeortn"]),
        Family(
            "repeat_string",
            ["repeat", "repeat_text", "times_text", "echo"],
            [("s",), ("text",), ("word",)],
            ["Write `{sig}` that returns {a0} repeated {n} times with nothing in between.",
             "Implement {name}({a0}): give back the string {a0} concatenated with itself so it appears {n} times.",
             "Define {name} taking {a0} and returning {n} copies of it joined together.",
             "I need a function {name}({a0}) that repeats the text {n} times."],
            "def {name}({a0}):\n    return {a0} * {n}",
            lambda c, s: "".join(s for _ in range(c["n"])),
            lambda rng, c: each(3, lambda i: [word(rng)]),
            consts=[{"n": n} for n in (2, 3, 4, 5)]),
        Family(
            "strip_char",
            ["remove_char", "strip_all", "drop_char", "without_char"],
            [("s",), ("text",), ("value",)],
            ["Write `{sig}` that removes every '{ch}' from {a0}.",
             "Implement {name}({a0}) returning {a0} with all '{ch}' characters deleted.",
             "Define a function {name} that takes a string `{a0}` and strips out each '{ch}'.",
             "Create `{name}({a0})`: return the text without any '{ch}' in it."],
            "def {name}({a0}):\n    return {a0}.replace(\"{ch}\", \"\")",
            lambda c, s: "".join(x for x in s if x != c["ch"]),
            lambda rng, c: each(3, lambda i: ["".join(
                word(rng) + rng.choice(["-", "_", ".", ",", "/", c["ch"], c["ch"]])
                for _ in range(rng.between(2, 4)))]),
            consts=[{"ch": ch} for ch in "-_.,/"]),
        Family(
            "first_n_chars",
            ["first_chars", "prefix_of", "head_text", "take_start"],
            [("s",), ("text",), ("word",)],
            ["Write `{sig}` that returns the first {n} characters of {a0}.",
             "Implement {name}({a0}): give back only the first {n} characters of the string.",
             "Define {name} taking {a0} and returning its first {n} characters.",
             "I need {name}({a0}) to return a prefix of length {n} of {a0}."],
            "def {name}({a0}):\n    return {a0}[:{n}]",
            lambda c, s: "".join(s[i] for i in range(min(c["n"], len(s)))),
            lambda rng, c: each(3, lambda i: [word(rng) + word(rng)]),
            consts=[{"n": n} for n in (1, 2, 3, 4, 5)]),
        Family(
            "word_count",
            ["word_count", "count_words", "num_words", "words_in"],
            sent_args,
            ["Write `{sig}` that returns the number of words in {a0}.",
             "Implement {name}({a0}) counting the whitespace-separated words in {a0}.",
             "Define a function {name} that takes a sentence `{a0}` and returns how many words it has.",
             "How many words does a string have? Write {name}({a0})."],
            "def {name}({a0}):\n    return len({a0}.split())",
            lambda c, s: len([w for w in s.split(" ") if w]),
            lambda rng, c: each(3, lambda i: [sentence(rng, 1, 6)])),
        Family(
            "longest_word",
            ["longest_word", "find_longest", "max_word", "biggest_word"],
            sent_args,
            ["Write `{sig}` that returns the longest word in {a0}.",
             "Implement {name}({a0}): split the sentence into words and return the longest one.",
             "Define {name} taking {a0} and giving back its longest word (the first one if there is a tie).",
             "I need a function {name}({a0}) that finds the longest word of a sentence."],
            "def {name}({a0}):\n    return max({a0}.split(), key=len)",
            lambda c, s: sorted(s.split(), key=lambda w: -len(w))[0],
            lambda rng, c: each(3, lambda i: [" ".join(
                rng.sample(["cat", "sky", "book", "tree", "rocket", "pencils", "strawberry"], rng.between(2, 4)))])),
        Family(
            "starts_with",
            ["starts_with", "has_prefix", "begins_with", "check_prefix"],
            [("s",), ("word",), ("text",)],
            ["Write `{sig}` that returns True if {a0} starts with \"{p}\".",
             "Implement {name}({a0}) returning whether {a0} begins with the prefix \"{p}\".",
             "Define a function {name} that checks if the string {a0} starts with \"{p}\" and returns a bool.",
             "Create `{name}({a0})`: True when {a0} has the prefix \"{p}\", False otherwise."],
            "def {name}({a0}):\n    return {a0}.startswith(\"{p}\")",
            lambda c, s: s[:len(c["p"])] == c["p"],
            lambda rng, c: [[c["p"] + word(rng)], [word(rng)], [c["p"] + word(rng)]],
            consts=[{"p": p} for p in ("ab", "pre", "un", "re", "co", "in")]),
        Family(
            "join_words",
            ["join_words", "glue_words", "words_joined", "link_words"],
            sent_args,
            ["Write `{sig}` that joins the words of {a0} with \"{sep}\" between them.",
             "Implement {name}({a0}): split {a0} on whitespace and join the words using \"{sep}\".",
             "Define {name} that takes a sentence `{a0}` and returns its words separated by \"{sep}\" instead of spaces.",
             "I need {name}({a0}) turning 'a b c' into 'a{sep}b{sep}c'."],
            "def {name}({a0}):\n    return \"{sep}\".join({a0}.split())",
            lambda c, s: s.replace(" ", c["sep"]),
            lambda rng, c: each(3, lambda i: [sentence(rng, 2, 4)]),
            consts=[{"sep": sep} for sep in ("_", "-", "+", ".", "/")]),
        Family(
            "is_anagram",
            ["is_anagram", "anagrams", "same_letters", "check_anagram"],
            [("a", "b"), ("s1", "s2"), ("first", "second"), ("x", "y")],
            ["Write `{sig}` that returns True if {a0} and {a1} are anagrams of each other.",
             "Implement {name}({args}) checking whether {a1} is a rearrangement of the letters of {a0}.",
             "Define {name} taking two strings {a0} and {a1}; return True when they contain exactly the same letters.",
             "Are two words anagrams? Write {name}({args}) returning a bool."],
            "def {name}({a0}, {a1}):\n    return sorted({a0}) == sorted({a1})",
            lambda c, a, b: all(a.count(ch) == b.count(ch) for ch in set(a + b)),
            lambda rng, c: [[w, "".join(rng.shuffle(list(w)))] for w in distinct_words(rng, 2)]
            + [[word(rng), word(rng) + "s"]]),
    ]


def list_families():
    num_args = [("nums",), ("numbers",), ("values",), ("xs",)]
    return [
        Family(
            "sum_evens",
            ["sum_evens", "sum_of_evens", "even_sum", "add_evens"],
            num_args,
            ["Write `{sig}` that returns the sum of the even numbers in the list {a0}.",
             "Implement {name}({a0}): add up only the even integers of {a0}.",
             "Define a function {name} that takes a list of ints `{a0}` and sums the even ones.",
             "I need {name}({a0}) returning the total of all even values in a list."],
            "def {name}({a0}):\n    return sum(x for x in {a0} if x % 2 == 0)",
            lambda c, xs: sum(xs[i] for i in range(len(xs)) if xs[i] % 2 == 0),
            lambda rng, c: each(3, lambda i: [ints(rng)])),
        Family(
            "max_of_list",
            ["max_of_list", "largest", "biggest", "list_max"],
            num_args,
            ["Write `{sig}` that returns the largest number in the non-empty list {a0}.",
             "Implement {name}({a0}) giving back the maximum value of {a0}.",
             "Define {name} that takes a list `{a0}` and returns its biggest element.",
             "Find the max of a list: write {name}({a0})."],
            "def {name}({a0}):\n    return max({a0})",
            lambda c, xs: sorted(xs)[-1],
            lambda rng, c: each(3, lambda i: [ints(rng)])),
        Family(
            "dedupe",
            ["dedupe", "unique", "remove_duplicates", "distinct"],
            [("items",), ("values",), ("xs",), ("seq",)],
            ["Write `{sig}` that removes duplicates from {a0}, keeping the first occurrence of each value in order.",
             "Implement {name}({a0}): return a new list with repeated items dropped, original order preserved.",
             "Define {name} taking a list `{a0}` and returning its distinct elements in the order they first appear.",
             "I need {name}({a0}) to dedupe a list without changing the order."],
            "def {name}({a0}):\n    seen = set()\n    result = []\n    for x in {a0}:\n"
            "        if x not in seen:\n            seen.add(x)\n            result.append(x)\n    return result",
            lambda c, xs: [x for i, x in enumerate(xs) if x not in xs[:i]],
            lambda rng, c: each(3, lambda i: [ints(rng, 1, 6, 4, 8)])),
        Family(
            "count_greater",
            ["count_greater", "count_above", "how_many_above", "num_greater"],
            num_args,
            ["Write `{sig}` that counts how many numbers in {a0} are greater than {k}.",
             "Implement {name}({a0}) returning the number of elements of {a0} that exceed {k}.",
             "Define {name} taking a list `{a0}`; return how many values are > {k}.",
             "I need {name}({a0}) to count the items bigger than {k}."],
            "def {name}({a0}):\n    return sum(1 for x in {a0} if x > {k})",
            lambda c, xs: len([x for x in xs if not x <= c["k"]]),
            lambda rng, c: each(3, lambda i: [ints(rng, -5, 25)]),
            consts=[{"k": k} for k in (0, 3, 5, 10, 12, 20)]),
        Family(
            "scale",
            ["scale", "multiply_all", "times_each", "scaled"],
            num_args,
            ["Write `{sig}` that returns a new list with every number in {a0} multiplied by {k}.",
             "Implement {name}({a0}): multiply each element of {a0} by {k} and return the results as a list.",
             "Define {name} that takes a list `{a0}` and gives back each value times {k}.",
             "I need {name}({a0}) returning [x * {k} for every x]."],
            "def {name}({a0}):\n    return [x * {k} for x in {a0}]",
            lambda c, xs: list(map(lambda x: c["k"] * x, xs)),
            lambda rng, c: each(3, lambda i: [ints(rng, -9, 9, 2, 5)]),
            consts=[{"k": k} for k in (2, 3, 4, 5, 10, -1)]),
        Family(
            "product",
            ["product", "multiply_list", "prod", "list_product"],
            num_args,
            ["Write `{sig}` that returns the product of all numbers in {a0} (1 for an empty list).",
             "Implement {name}({a0}): multiply every element of {a0} together.",
             "Define {name} taking a list `{a0}` and returning the product of its values.",
             "I need {name}({a0}) to multiply the numbers of a list."],
            "def {name}({a0}):\n    result = 1\n    for x in {a0}:\n        result *= x\n    return result",
            lambda c, xs: math.prod(xs),
            lambda rng, c: each(3, lambda i: [ints(rng, -4, 6, 1, 5)])),
        Family(
            "average",
            ["average", "mean", "avg", "list_mean"],
            num_args,
            ["Write `{sig}` that returns the arithmetic mean of the non-empty list {a0}.",
             "Implement {name}({a0}): the average of the numbers in {a0}.",
             "Define {name} taking a list `{a0}` and returning sum divided by count.",
             "I need {name}({a0}) to compute the mean of a list of numbers."],
            "def {name}({a0}):\n    return sum({a0}) / len({a0})",
            lambda c, xs: math.fsum(xs) / len(xs),
            lambda rng, c: each(3, lambda i: [ints(rng, 0, 20, 2, 4)])),
        Family(
            "flatten",
            ["flatten", "flatten_list", "concat_lists", "merge_rows"],
            [("rows",), ("lists",), ("nested",), ("grid",)],
            ["Write `{sig}` that flattens a list of lists `{a0}` into one list.",
             "Implement {name}({a0}): return all elements of the inner lists of {a0}, in order, in a single list.",
             "Define {name} taking a list of lists `{a0}` and concatenating them.",
             "I need {name}({a0}) to turn [[1, 2], [3]] into [1, 2, 3]."],
            "def {name}({a0}):\n    return [x for row in {a0} for x in row]",
            lambda c, rows: sum(rows, []),
            lambda rng, c: each(3, lambda i: [[ints(rng, 0, 9, 0, 3) for _ in range(rng.between(1, 3))]])),
        Family(
            "running_total",
            ["running_total", "cumulative_sum", "prefix_sums", "cumsum"],
            num_args,
            ["Write `{sig}` that returns the running totals of {a0}: element i is the sum of the first i + 1 values.",
             "Implement {name}({a0}): give back the cumulative sums of the list {a0}.",
             "Define {name} taking a list `{a0}` and returning a list of prefix sums.",
             "I need {name}({a0}) turning [1, 2, 3] into [1, 3, 6]."],
            "def {name}({a0}):\n    total = 0\n    out = []\n    for x in {a0}:\n        total += x\n"
            "        out.append(total)\n    return out",
            lambda c, xs: [sum(xs[:i + 1]) for i in range(len(xs))],
            lambda rng, c: each(3, lambda i: [ints(rng, -5, 9, 1, 5)])),
        Family(
            "filter_greater",
            ["keep_above", "filter_greater", "above", "only_bigger"],
            num_args,
            ["Write `{sig}` that returns the numbers in {a0} that are greater than {k}, in order.",
             "Implement {name}({a0}): keep only the values of {a0} above {k}.",
             "Define {name} taking a list `{a0}` and returning a new list of the elements > {k}.",
             "I need {name}({a0}) to filter out everything that is not bigger than {k}."],
            "def {name}({a0}):\n    return [x for x in {a0} if x > {k}]",
            lambda c, xs: list(filter(lambda x: x > c["k"], xs)),
            lambda rng, c: each(3, lambda i: [ints(rng, -5, 20)]),
            consts=[{"k": k} for k in (0, 2, 4, 7, 9, 15)]),
        Family(
            "filter_by_length",
            ["long_words", "filter_by_length", "words_longer", "keep_long"],
            [("words",), ("items",), ("names",), ("strings",)],
            ["Write `{sig}` that returns the strings in {a0} longer than {n} characters.",
             "Implement {name}({a0}): keep only the words of {a0} whose length is greater than {n}.",
             "Define {name} taking a list of words `{a0}` and returning those with more than {n} letters.",
             "I need {name}({a0}) to filter a list of strings by length > {n}."],
            "def {name}({a0}):\n    return [w for w in {a0} if len(w) > {n}]",
            lambda c, ws: [w for w in ws if not len(w) <= c["n"]],
            lambda rng, c: each(3, lambda i: [word_list(rng)]),
            consts=[{"n": n} for n in (2, 3, 4, 5)]),
        Family(
            "last_n",
            ["last_items", "tail", "take_last", "last_n"],
            [("items",), ("values",), ("xs",), ("seq",)],
            ["Write `{sig}` that returns the last {n} elements of the list {a0}.",
             "Implement {name}({a0}): give back the final {n} items of {a0}.",
             "Define {name} taking a list `{a0}` with at least {n} elements and returning its last {n}.",
             "I need {name}({a0}) to return a list of the last {n} values."],
            "def {name}({a0}):\n    return {a0}[-{n}:]",
            lambda c, xs: [xs[i] for i in range(len(xs) - c["n"], len(xs))],
            lambda rng, c: each(3, lambda i: [ints(rng, 0, 50, 5, 7)]),
            consts=[{"n": n} for n in (1, 2, 3, 4)]),
    ]


def _is_prime(n):
    return n >= 2 and all(n % d for d in range(2, n))


def _fib(n):
    seq = [0, 1]
    while len(seq) <= n:
        seq.append(seq[-1] + seq[-2])
    return seq[n]


def _fizz(c, n):
    if n % c["a"] == 0 and n % c["b"] == 0:
        return "FizzBuzz"
    return "Fizz" if n % c["a"] == 0 else "Buzz" if n % c["b"] == 0 else str(n)


def arithmetic_families():
    int_args = [("n",), ("x",), ("num",), ("value",)]
    return [
        Family(
            "factorial",
            ["factorial", "fact", "factorial_of", "product_to_n"],
            [("n",), ("k",), ("num",), ("m",)],
            ["Write `{sig}` that returns {a0}! for a non-negative integer {a0}.",
             "Implement {name}({a0}) computing the factorial of {a0} with a loop (0! is 1).",
             "Define {name} taking an int {a0} >= 0 and returning 1 * 2 * ... * {a0}.",
             "I need {name}({a0}) to return the factorial of a number."],
            "def {name}({a0}):\n    result = 1\n    for i in range(2, {a0} + 1):\n        result *= i\n    return result",
            lambda c, n: math.factorial(n),
            lambda rng, c: [[rng.between(0, 1)], [rng.between(3, 6)], [rng.between(7, 10)]]),
        Family(
            "fizzbuzz",
            ["fizzbuzz", "fizz_buzz", "fizzbuzz_value", "fb"],
            int_args,
            ["Write `{sig}` that returns \"FizzBuzz\" if {a0} is divisible by both {a} and {b}, \"Fizz\" if only "
             "by {a}, \"Buzz\" if only by {b}, and otherwise {a0} as a string.",
             "Implement FizzBuzz for one number as {name}({a0}): multiples of {a} give \"Fizz\", multiples of {b} "
             "give \"Buzz\", multiples of both give \"FizzBuzz\", anything else gives str({a0}).",
             "Define {name}({a0}) with the FizzBuzz rule using {a} and {b} instead of 3 and 5, returning a string.",
             "FizzBuzz with divisors {a} and {b}: write {name}({a0}) returning the word or the number as text."],
            "def {name}({a0}):\n    if {a0} % {m} == 0:\n        return \"FizzBuzz\"\n    if {a0} % {a} == 0:\n"
            "        return \"Fizz\"\n    if {a0} % {b} == 0:\n        return \"Buzz\"\n    return str({a0})",
            _fizz,
            lambda rng, c: [[c["a"] * c["b"] * rng.between(1, 3)], [c["a"] * rng.choice([1, 2, 4])],
                            [c["b"] * rng.choice([1, 2, 4])], [c["a"] * c["b"] * rng.between(1, 3) + 1]],
            consts=[{"a": a, "b": b, "m": a * b} for a, b in ((3, 5), (2, 7), (3, 7), (2, 5), (4, 5), (5, 7))],
            tests=4),
        Family(
            "clamp",
            ["clamp", "limit", "bound", "clip"],
            int_args,
            ["Write `{sig}` that clamps {a0} to the range {lo} to {hi}.",
             "Implement {name}({a0}): return {lo} if {a0} is below {lo}, {hi} if it is above {hi}, otherwise {a0}.",
             "Define {name} that keeps the number {a0} between {lo} and {hi} inclusive.",
             "I need {name}({a0}) to clip a value into [{lo}, {hi}]."],
            "def {name}({a0}):\n    return max({lo}, min({a0}, {hi}))",
            lambda c, x: c["lo"] if x < c["lo"] else c["hi"] if x > c["hi"] else x,
            lambda rng, c: [[c["lo"] - rng.between(1, 9)], [rng.between(c["lo"], c["hi"])],
                            [c["hi"] + rng.between(1, 9)]],
            consts=[{"lo": lo, "hi": hi} for lo, hi in ((0, 10), (0, 100), (-5, 5), (1, 9), (10, 20), (-1, 1))]),
        Family(
            "celsius_to_fahrenheit",
            ["celsius_to_fahrenheit", "c_to_f", "to_fahrenheit", "fahrenheit"],
            [("c",), ("celsius",), ("temp",), ("degrees",)],
            ["Write `{sig}` that converts {a0} degrees Celsius to Fahrenheit.",
             "Implement {name}({a0}) returning the Fahrenheit temperature for {a0} in Celsius.",
             "Define {name} taking a Celsius value `{a0}`; return {a0} * 9 / 5 + 32.",
             "I need {name}({a0}) to convert C to F."],
            "def {name}({a0}):\n    return {a0} * 9 / 5 + 32",
            lambda c, t: t * 1.8 + 32,
            lambda rng, c: each(3, lambda i: [5 * rng.between(-8, 20)])),
        Family(
            "fahrenheit_to_celsius",
            ["fahrenheit_to_celsius", "f_to_c", "to_celsius", "celsius"],
            [("f",), ("fahrenheit",), ("temp",), ("degrees",)],
            ["Write `{sig}` that converts {a0} degrees Fahrenheit to Celsius.",
             "Implement {name}({a0}) returning the Celsius temperature for {a0} in Fahrenheit.",
             "Define {name} taking a Fahrenheit value `{a0}`; return ({a0} - 32) * 5 / 9.",
             "I need {name}({a0}) to convert F to C."],
            "def {name}({a0}):\n    return ({a0} - 32) * 5 / 9",
            lambda c, t: (t - 32) / 1.8,
            lambda rng, c: each(3, lambda i: [32 + 9 * rng.between(-5, 12)])),
        Family(
            "is_prime",
            ["is_prime", "prime", "check_prime", "is_prime_number"],
            int_args,
            ["Write `{sig}` that returns True if {a0} is a prime number.",
             "Implement {name}({a0}): decide whether the integer {a0} is prime (numbers below 2 are not).",
             "Define {name} taking an int {a0} and returning a bool telling if it is prime.",
             "I need a primality check {name}({a0})."],
            "def {name}({a0}):\n    if {a0} < 2:\n        return False\n    for d in range(2, int({a0} ** 0.5) + 1):\n"
            "        if {a0} % d == 0:\n            return False\n    return True",
            lambda c, n: _is_prime(n),
            lambda rng, c: [[rng.choice([2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47])],
                            [rng.choice([0, 1, 4, 9, 15, 21, 25, 27, 33, 35, 49])], [rng.between(0, 60)]]),
        Family(
            "gcd",
            ["gcd", "greatest_common_divisor", "common_divisor", "hcf"],
            [("a", "b"), ("x", "y"), ("m", "n"), ("p", "q")],
            ["Write `{sig}` that returns the greatest common divisor of {a0} and {a1} using Euclid's algorithm.",
             "Implement {name}({args}) computing the GCD of two non-negative integers.",
             "Define {name} taking {a0} and {a1} and returning the largest number dividing both.",
             "I need {name}({args}) for the greatest common divisor, without importing math."],
            "def {name}({a0}, {a1}):\n    while {a1}:\n        {a0}, {a1} = {a1}, {a0} % {a1}\n    return {a0}",
            lambda c, a, b: math.gcd(a, b),
            lambda rng, c: [[g * rng.between(1, 9), g * rng.between(1, 9)] for g in (rng.between(2, 9), 1, 6)]),
        Family(
            "sum_digits",
            ["sum_digits", "digit_sum", "add_digits", "sum_of_digits"],
            int_args,
            ["Write `{sig}` that returns the sum of the decimal digits of the non-negative integer {a0}.",
             "Implement {name}({a0}): add up the digits of {a0}.",
             "Define {name} taking an int {a0} >= 0 and returning the total of its digits.",
             "I need {name}({a0}) so that 123 gives 6."],
            "def {name}({a0}):\n    return sum(int(d) for d in str({a0}))",
            lambda c, n: n % 10 + (0 if n < 10 else _digit_sum(n // 10)),
            lambda rng, c: each(3, lambda i: [rng.between(0, 99999)])),
        Family(
            "fibonacci",
            ["fibonacci", "fib", "nth_fibonacci", "fibo"],
            [("n",), ("k",), ("index",), ("i",)],
            ["Write `{sig}` that returns the {a0}-th Fibonacci number, with fib(0) = 0 and fib(1) = 1.",
             "Implement {name}({a0}) iteratively: the Fibonacci number at position {a0} (0, 1, 1, 2, 3, ...).",
             "Define {name} taking {a0} and returning F({a0}) where F(0) = 0 and F(1) = 1.",
             "I need {name}({a0}) for Fibonacci numbers without recursion."],
            "def {name}({a0}):\n    a, b = 0, 1\n    for _ in range({a0}):\n        a, b = b, a + b\n    return a",
            lambda c, n: _fib(n),
            lambda rng, c: [[rng.between(0, 1)], [rng.between(2, 9)], [rng.between(10, 25)]]),
        Family(
            "is_leap_year",
            ["is_leap_year", "leap_year", "is_leap", "check_leap"],
            [("year",), ("y",), ("yr",)],
            ["Write `{sig}` that returns True if {a0} is a leap year in the Gregorian calendar.",
             "Implement {name}({a0}): divisible by 4, except centuries, unless divisible by 400.",
             "Define {name} taking a year `{a0}` and returning whether it has 366 days.",
             "I need a leap year check {name}({a0})."],
            "def {name}({a0}):\n    return {a0} % 4 == 0 and ({a0} % 100 != 0 or {a0} % 400 == 0)",
            lambda c, y: (y % 400 == 0) or (y % 4 == 0 and y % 100 != 0),
            lambda rng, c: [[rng.choice([1900, 2100, 1800, 2200])], [rng.choice([2000, 1600, 2400])],
                            [4 * rng.between(480, 520) + rng.between(0, 3)]]),
        Family(
            "power",
            ["power", "raise_to", "to_power", "pow_of"],
            int_args,
            ["Write `{sig}` that returns {a0} raised to the power {p}.",
             "Implement {name}({a0}) returning {a0} ** {p}.",
             "Define {name} taking a number `{a0}` and giving back {a0} to the power of {p}.",
             "I need {name}({a0}) to compute a number to the power of {p}."],
            "def {name}({a0}):\n    return {a0} ** {p}",
            lambda c, x: math.prod([x] * c["p"]),
            lambda rng, c: [[rng.between(2, 9)], [-rng.between(2, 5)], [rng.between(0, 12)]],
            consts=[{"p": p} for p in (2, 3, 4, 5)]),
        Family(
            "is_divisible",
            ["is_divisible", "divisible", "is_multiple", "divides_evenly"],
            int_args,
            ["Write `{sig}` that returns True if {a0} is divisible by {k}.",
             "Implement {name}({a0}): whether {a0} is a multiple of {k}.",
             "Define {name} taking an integer {a0} and returning {a0} % {k} == 0.",
             "I need {name}({a0}) to check divisibility by {k}."],
            "def {name}({a0}):\n    return {a0} % {k} == 0",
            lambda c, n: (n // c["k"]) * c["k"] == n,
            lambda rng, c: [[c["k"] * rng.between(1, 12)], [c["k"] * rng.between(1, 12) + 1],
                            [rng.between(1, 100)]],
            consts=[{"k": k} for k in (3, 4, 6, 7, 9, 11)]),
    ]


def _digit_sum(n):
    return n % 10 + (0 if n < 10 else _digit_sum(n // 10))


def dict_families():
    dict_args = [("d",), ("scores",), ("data",), ("table",)]
    return [
        Family(
            "word_frequencies",
            ["word_freq", "word_counts", "count_each_word", "frequencies"],
            sent_args_dict(),
            ["Write `{sig}` that returns a dict mapping each word in {a0} to how many times it occurs.",
             "Implement {name}({a0}): split {a0} on whitespace and count every word in a dictionary.",
             "Define {name} taking a sentence `{a0}` and returning {word: count}.",
             "I need {name}({a0}) to build a word frequency dictionary."],
            "def {name}({a0}):\n    counts = {}\n    for word in {a0}.split():\n"
            "        counts[word] = counts.get(word, 0) + 1\n    return counts",
            lambda c, s: {w: s.split().count(w) for w in s.split()},
            lambda rng, c: each(3, lambda i: [" ".join(rng.choice(["a", "b", "cat", "dog", "sun"])
                                                       for _ in range(rng.between(3, 7)))])),
        Family(
            "merge_dicts",
            ["merge_dicts", "combine", "merged", "update_copy"],
            [("a", "b"), ("d1", "d2"), ("base", "extra"), ("first", "second")],
            ["Write `{sig}` that returns a new dict with the entries of {a0} and {a1}; on shared keys {a1} wins.",
             "Implement {name}({args}): merge two dictionaries without modifying either, values of {a1} taking "
             "precedence.",
             "Define {name} taking dicts {a0} and {a1} and returning their union, {a1} overriding {a0}.",
             "I need {name}({args}) to combine two dicts into a new one (later one wins)."],
            "def {name}({a0}, {a1}):\n    merged = dict({a0})\n    merged.update({a1})\n    return merged",
            lambda c, a, b: {**a, **b},
            lambda rng, c: _overlapping_dicts(rng)),
        Family(
            "invert_dict",
            ["invert_dict", "invert", "swap_keys_values", "reverse_mapping"],
            dict_args,
            ["Write `{sig}` that swaps the keys and values of the dict {a0} (values are unique).",
             "Implement {name}({a0}): return a new dict mapping each value of {a0} back to its key.",
             "Define {name} taking a dictionary `{a0}` and returning the inverse mapping.",
             "I need {name}({a0}) to turn {'a': 'x'} into {'x': 'a'}."],
            "def {name}({a0}):\n    return {v: k for k, v in {a0}.items()}",
            lambda c, d: dict(zip(d.values(), d.keys())),
            lambda rng, c: _invertible(rng)),
        Family(
            "keys_above",
            ["keys_above", "high_scorers", "keys_over", "passing"],
            dict_args,
            ["Write `{sig}` that returns a list of the keys in {a0} whose value is greater than {k}.",
             "Implement {name}({a0}): collect, in order, every key of {a0} with a value above {k}.",
             "Define {name} taking a dict `{a0}` and returning the keys mapped to numbers > {k}.",
             "I need {name}({a0}) to list the keys whose values exceed {k}."],
            "def {name}({a0}):\n    return [key for key, value in {a0}.items() if value > {k}]",
            lambda c, d: [key for key in d if not d[key] <= c["k"]],
            lambda rng, c: each(3, lambda i: [score_dict(rng, 0, 80, 3, 5)]),
            consts=[{"k": k} for k in (10, 25, 40, 50, 60)]),
        Family(
            "sum_values",
            ["sum_values", "total", "value_sum", "add_values"],
            dict_args,
            ["Write `{sig}` that returns the sum of all values in the dict {a0}.",
             "Implement {name}({a0}): add up the numbers stored in {a0}.",
             "Define {name} taking a dictionary `{a0}` of numbers and returning their total.",
             "I need {name}({a0}) to total a dict's values."],
            "def {name}({a0}):\n    return sum({a0}.values())",
            lambda c, d: sum(d[key] for key in d),
            lambda rng, c: each(3, lambda i: [score_dict(rng, 0, 30, 1, 5)])),
        Family(
            "get_default",
            ["get_or_default", "lookup", "safe_get", "value_of"],
            [("d", "key"), ("table", "name"), ("data", "k"), ("scores", "item")],
            ["Write `{sig}` that returns {a0}[{a1}] if the key exists and {dflt} otherwise.",
             "Implement {name}({args}): look {a1} up in the dict {a0}, falling back to {dflt} when it is missing.",
             "Define {name} taking a dict `{a0}` and a key {a1}; return the value or {dflt} if absent.",
             "I need {name}({args}) that never raises KeyError and gives {dflt} for missing keys."],
            "def {name}({a0}, {a1}):\n    return {a0}.get({a1}, {dflt})",
            lambda c, d, k: d[k] if k in d else c["dflt"],
            lambda rng, c: _lookup_cases(rng),
            consts=[{"dflt": v} for v in (0, -1, 1, 99)]),
        Family(
            "group_by_first_letter",
            ["group_by_first", "by_initial", "group_words", "index_by_letter"],
            [("words",), ("names",), ("items",)],
            ["Write `{sig}` that groups the strings in {a0} into a dict keyed by their first letter, keeping order.",
             "Implement {name}({a0}): return a dict mapping each first letter to the list of words starting with it.",
             "Define {name} taking a list of non-empty words `{a0}` and grouping them by initial.",
             "I need {name}({a0}) so ['ant', 'bee', 'ape'] becomes {'a': ['ant', 'ape'], 'b': ['bee']}."],
            "def {name}({a0}):\n    groups = {}\n    for w in {a0}:\n        groups.setdefault(w[0], []).append(w)\n"
            "    return groups",
            lambda c, ws: {w[0]: [x for x in ws if x[0] == w[0]] for w in ws},
            lambda rng, c: each(3, lambda i: [word_list(rng, 3, 6)])),
        Family(
            "key_of_max",
            ["key_of_max", "best_key", "argmax", "top_key"],
            dict_args,
            ["Write `{sig}` that returns the key of {a0} with the largest value.",
             "Implement {name}({a0}): find which key in the dict {a0} maps to the maximum value.",
             "Define {name} taking a non-empty dict {a0} and returning the key whose value is highest.",
             "I need {name}({a0}) to get the argmax key of a dictionary."],
            "def {name}({a0}):\n    return max({a0}, key={a0}.get)",
            lambda c, d: sorted(d.items(), key=lambda kv: -kv[1])[0][0],
            lambda rng, c: each(3, lambda i: [dict(zip(distinct_words(rng, 3), rng.sample(range(100), 3)))])),
        Family(
            "dict_from_lists",
            ["zip_dict", "to_dict", "pair_up", "make_dict"],
            [("keys", "values"), ("names", "scores"), ("ks", "vs")],
            ["Write `{sig}` that builds a dict mapping each element of {a0} to the element of {a1} at the same index.",
             "Implement {name}({args}): pair the two equal-length lists into a dictionary.",
             "Define {name} taking lists {a0} and {a1} and returning dict of {a0}[i] -> {a1}[i].",
             "I need {name}({args}) to combine a list of keys and a list of values into a dict."],
            "def {name}({a0}, {a1}):\n    return dict(zip({a0}, {a1}))",
            lambda c, ks, vs: {ks[i]: vs[i] for i in range(len(ks))},
            lambda rng, c: each(3, lambda i: [distinct_words(rng, 3), ints(rng, 0, 9, 3, 3)])),
    ]


def sent_args_dict():
    return [("s",), ("text",), ("sentence",)]


def _overlapping_dicts(rng):
    cases = []
    for _ in range(3):
        keys = distinct_words(rng, 4)
        a = {k: rng.between(0, 9) for k in keys[:3]}
        b = {k: rng.between(10, 19) for k in keys[1:]}
        cases.append([a, b])
    return cases


def _invertible(rng):
    return [[dict(zip(distinct_words(rng, n), [w.upper() for w in distinct_words(rng, n)]))] for n in (1, 2, 3)]


def _lookup_cases(rng):
    d1 = score_dict(rng, 2, 50, 2, 4)
    d2 = score_dict(rng, 2, 50, 2, 4)
    missing = next(w for w in WORDS if w not in d2)
    return [[d1, next(iter(d1))], [d2, missing], [{}, word(rng)]]


def all_families():
    families = string_families() + list_families() + arithmetic_families() + dict_families()
    seen_keys, seen_names = set(), {}
    for f in families:
        if f.key in seen_keys:
            fail("family %s defined twice" % f.key)
        seen_keys.add(f.key)
        for n in f.names:
            if n in seen_names:
                fail("function name %s used by families %s and %s" % (n, seen_names[n], f.key))
            seen_names[n] = f.key
        for p in f.params:
            if set(p) & set(f.names):
                fail("family %s: a parameter is named like its function" % f.key)
    return families


# --- instances, rendering and verification -------------------------------------------------------

_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill(template, fields, where):
    """Replaces {field} markers; other braces ({} literals, "{word: count}") never match the pattern."""
    def sub(m):
        if m.group(1) not in fields:
            fail("%s: template field {%s} has no value" % (where, m.group(1)))
        return str(fields[m.group(1)])
    return _FIELD.sub(sub, template)


class Instance:
    def __init__(self, family, name, params, consts):
        self.family = family
        self.name = name
        self.params = params
        self.consts = consts
        self.identity = "%s|%s|%s|%s" % (family.key, name, ",".join(params), json.dumps(consts, sort_keys=True))
        self.fields = dict(consts)
        self.fields.update({"name": name, "args": ", ".join(params),
                            "sig": "%s(%s)" % (name, ", ".join(params))})
        for i, p in enumerate(params):
            self.fields["a%d" % i] = p
        self.solution = fill(family.body, self.fields, family.key + " body")
        self._tests = None

    def prompt(self, index):
        return fill(self.family.prompts[index], self.fields, "%s prompt %d" % (self.family.key, index))

    def tests(self):
        if self._tests is None:
            self._tests = make_tests(self)
        return self._tests


def instances_of(family):
    out = []
    for name in family.names:
        for params in family.params:
            for consts in family.consts:
                out.append(Instance(family, name, params, consts))
    return out


def same_value(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) \
            and not isinstance(b, bool) and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    return a == b


def run_solution(instance, args):
    namespace = {}
    exec(compile(instance.solution, "<%s>" % instance.identity, "exec"), namespace)
    return namespace[instance.name](*copy.deepcopy(args))


def make_tests(instance):
    """Test cases whose expected values come from an oracle written independently of the solution.

    They must also tell the instance apart from trivial answers (all outputs equal) and from the same
    family with other constants, so a model that copies the wrong constant fails at least one test.
    """
    family = instance.family
    rng = Rng("tests|" + instance.identity)
    for _attempt in range(50):
        cases = family.inputs(rng, instance.consts)
        if len(cases) != family.tests:
            fail("family %s produced %d test inputs, expected %d" % (family.key, len(cases), family.tests))
        expected = [family.oracle(instance.consts, *copy.deepcopy(args)) for args in cases]
        if len(set(json.dumps(e, sort_keys=True) for e in expected)) < 2:
            continue
        distinguishes = all(
            any(not same_value(family.oracle(other, *copy.deepcopy(args)), e) for args, e in zip(cases, expected))
            for other in family.consts if other != instance.consts)
        if not distinguishes:
            continue
        tests = []
        for args, want in zip(cases, expected):
            try:
                got = run_solution(instance, args)
            except Exception as e:  # a broken template must stop the build of the dataset
                fail("%s: solution raised %s on %r\n%s" % (instance.identity, e, args, instance.solution))
            if not same_value(got, want):
                fail("%s: solution returned %r for %r, oracle says %r\n%s"
                     % (instance.identity, got, args, want, instance.solution))
            for value in (args, got):
                if not same_value(json.loads(json.dumps(value)), value):
                    fail("%s: %r does not survive a JSON round trip" % (instance.identity, value))
            tests.append({"input": args, "output": got})
        return tests
    fail("%s: could not draw test inputs that distinguish it (check the family's input generator)"
         % instance.identity)


def check_templates(family):
    required = {"name"} | set(family.consts[0].keys())
    for i, t in enumerate(family.prompts):
        used = set(_FIELD.findall(t))
        names_sig = "sig" in used
        if not (names_sig or "name" in used):
            fail("family %s prompt %d never names the function" % (family.key, i))
        arity = len(family.params[0])
        has_args = names_sig or "args" in used or all("a%d" % k in used for k in range(arity))
        if not has_args:
            fail("family %s prompt %d does not name every parameter" % (family.key, i))
        missing = [k for k in required - {"name"} if k not in used and not (k == "m")]
        if missing:
            fail("family %s prompt %d does not state constant(s) %s" % (family.key, i, missing))


def choose_weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    r = rng.below(total)
    for value, w in pairs:
        if r < w:
            return value
        r -= w
    raise AssertionError("unreachable")


def make_example(rng, instance):
    phrasing = rng.below(len(instance.family.prompts))
    user = choose_weighted(rng, WRAPPERS).replace("{p}", instance.prompt(phrasing))
    system = rng.choice(SYSTEM_PROMPTS) if rng.chance(1, 4) else None
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": user},
        {"role": "assistant", "content": instance.solution}]
    return messages


def split_instances(family):
    items = instances_of(family)
    ranked = sorted(items, key=lambda x: (stable_hash("heldout|" + x.identity), x.identity))
    n_held = max(1, int(round(HELDOUT_FRACTION * len(items))))
    held = set(x.identity for x in ranked[:n_held])
    return [x for x in items if x.identity not in held], [x for x in ranked[:n_held]]


def sample_examples(rng, pool, count, seen, round_robin):
    """`count` examples whose (system, user) text is new; pool instances are used round robin or at random."""
    out = []
    tries = 0
    while len(out) < count and tries < count * 50:
        tries += 1
        instance = pool[len(out) % len(pool)] if round_robin else rng.choice(pool)
        messages = make_example(rng, instance)
        key = json.dumps(messages[:-1])
        if key in seen:
            continue
        seen.add(key)
        out.append((instance, messages))
    return out


def build():
    families = all_families()
    for f in families:
        check_templates(f)
    rng = Rng(SEED)
    train, heldout = [], []
    seen = set()
    per_family_train = [TRAIN_COUNT // len(families) + (1 if i < TRAIN_COUNT % len(families) else 0)
                        for i in range(len(families))]
    per_family_held = [HELDOUT_COUNT // len(families) + (1 if i < HELDOUT_COUNT % len(families) else 0)
                       for i in range(len(families))]
    for f, n_train, n_held in zip(families, per_family_train, per_family_held):
        train_pool, held_pool = split_instances(f)
        held_ids = set(x.identity for x in held_pool)
        for instance, messages in sample_examples(rng, held_pool, n_held, seen, round_robin=True):
            heldout.append({
                "id": "%s-%03d" % (f.key, sum(1 for h in heldout if h["family"] == f.key)),
                "family": f.key,
                "messages": messages,
                "entry_point": instance.name,
                "reference": instance.solution,
                "tests": instance.tests(),
            })
        picked = sample_examples(rng, train_pool, n_train, seen, round_robin=False)
        for instance, messages in picked:
            if instance.identity in held_ids:
                fail("held-out instance %s leaked into training" % instance.identity)
            instance.tests()  # every training solution is executed against the oracle too
            train.append({"messages": messages})
    rng.shuffle(train)
    check_disjoint(train, heldout)
    return families, train, heldout


def check_disjoint(train, heldout):
    train_answers = set(row["messages"][-1]["content"] for row in train)
    train_prompts = set(m["content"] for row in train for m in row["messages"] if m["role"] == "user")
    for h in heldout:
        if h["reference"] in train_answers:
            fail("held-out answer of %s also appears in training" % h["id"])
        if h["messages"][-2]["content"] in train_prompts:
            fail("held-out prompt of %s also appears in training" % h["id"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(recipes_dir(), "code-assistant", "data"),
                        help="folder for train.jsonl and heldout.jsonl (default: the recipe's data folder)")
    args = parser.parse_args(argv)
    families, train, heldout = build()
    write_jsonl(os.path.join(args.out, "train.jsonl"), train)
    write_jsonl(os.path.join(args.out, "heldout.jsonl"), heldout)
    answer_bytes = sorted(len(r["messages"][-1]["content"].encode("utf-8")) for r in train)
    print("families: %d" % len(families))
    print("train:    %d examples -> %s" % (len(train), os.path.join(args.out, "train.jsonl")))
    print("heldout:  %d examples -> %s" % (len(heldout), os.path.join(args.out, "heldout.jsonl")))
    print("answer bytes: min %d, median %d, max %d" % (
        answer_bytes[0], answer_bytes[len(answer_bytes) // 2], answer_bytes[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
