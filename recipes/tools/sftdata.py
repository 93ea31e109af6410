"""Shared helpers for the recipe data generators (standard library only).

Python's own `random` module is avoided on purpose: its algorithms for choice/shuffle/sample are
not promised to stay the same across versions, and the shipped JSONL files must be reproducible
byte for byte on every Python >= 3.9. A SplitMix64 stream is tiny, fast enough and fully specified.
"""

import hashlib
import json
import os
import tempfile

_MASK64 = (1 << 64) - 1


def stable_hash(text):
    """64-bit integer from SHA-256: independent of PYTHONHASHSEED and of the Python version."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


class Rng:
    """SplitMix64 pseudo-random stream; `below` uses rejection so every value is equally likely."""

    def __init__(self, seed):
        self._state = (seed if isinstance(seed, int) else stable_hash(str(seed))) & _MASK64

    def next64(self):
        self._state = (self._state + 0x9E3779B97F4A7C15) & _MASK64
        z = self._state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        return z ^ (z >> 31)

    def below(self, n):
        if n <= 0:
            raise ValueError("Rng.below needs n > 0, got %r" % (n,))
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            v = self.next64()
            if v < limit:
                return v % n

    def between(self, lo, hi):
        """Integer in [lo, hi], both ends included."""
        return lo + self.below(hi - lo + 1)

    def choice(self, seq):
        return seq[self.below(len(seq))]

    def chance(self, numerator, denominator):
        return self.below(denominator) < numerator

    def shuffle(self, items):
        """In-place Fisher-Yates."""
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]
        return items

    def sample(self, seq, k):
        items = list(seq)
        self.shuffle(items)
        return items[:k]


def dumps_line(obj):
    """One JSONL line. Key order is the dict's insertion order, so callers control the layout."""
    return json.dumps(obj, ensure_ascii=False)


def write_jsonl(path, rows):
    """Writes atomically (temp file in the same folder, then rename) with '\\n' line ends on every OS."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".jsonl", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            for row in rows:
                f.write(dumps_line(row))
                f.write("\n")
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; data files are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def recipes_dir():
    """recipes/ (this file lives in recipes/tools/)."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(message):
    """Stops the generator with a message instead of writing a dataset that is silently wrong."""
    raise SystemExit("error: " + message)
