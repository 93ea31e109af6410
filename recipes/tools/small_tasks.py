"""Small, checkable text tasks shared by the feature recipes' data generators.

Each function takes an Rng and returns (question, answer) pairs or the pieces to phrase them; every
answer is computed, not typed, so the shipped data has no wrong labels.
"""

OPPOSITES = [
    ("hot", "cold"), ("big", "small"), ("fast", "slow"), ("up", "down"), ("early", "late"),
    ("happy", "sad"), ("light", "dark"), ("open", "closed"), ("full", "empty"), ("high", "low"),
    ("old", "new"), ("hard", "soft"), ("wet", "dry"), ("near", "far"), ("strong", "weak"),
    ("loud", "quiet"), ("rich", "poor"), ("thick", "thin"), ("clean", "dirty"), ("first", "last"),
]
PLURALS = [
    ("cat", "cats"), ("box", "boxes"), ("mouse", "mice"), ("child", "children"), ("city", "cities"),
    ("leaf", "leaves"), ("foot", "feet"), ("tooth", "teeth"), ("bus", "buses"), ("baby", "babies"),
    ("knife", "knives"), ("person", "people"), ("goose", "geese"), ("wolf", "wolves"), ("dish", "dishes"),
    ("sheep", "sheep"), ("fish", "fish"), ("man", "men"), ("woman", "women"), ("story", "stories"),
]
PAST_TENSE = [
    ("go", "went"), ("eat", "ate"), ("run", "ran"), ("see", "saw"), ("write", "wrote"),
    ("take", "took"), ("sing", "sang"), ("swim", "swam"), ("buy", "bought"), ("think", "thought"),
    ("walk", "walked"), ("play", "played"), ("jump", "jumped"), ("read", "read"), ("fly", "flew"),
    ("drink", "drank"), ("teach", "taught"), ("catch", "caught"), ("bring", "brought"), ("speak", "spoke"),
]
WORDS = [
    "apple", "river", "stone", "cloud", "tiger", "lemon", "piano", "candle", "garden", "rocket",
    "pencil", "window", "silver", "orange", "planet", "forest", "button", "dragon", "yellow", "castle",
]

OPS = [("plus", "+", lambda a, b: a + b), ("minus", "-", lambda a, b: a - b), ("times", "*", lambda a, b: a * b)]

UNITS = [
    ("hours", "minutes", 60), ("minutes", "seconds", 60), ("days", "hours", 24), ("weeks", "days", 7),
    ("meters", "centimeters", 100), ("kilometers", "meters", 1000), ("kilograms", "grams", 1000),
    ("dozens", "items", 12),
]


def arithmetic_question(rng):
    """('What is 12 times 4?', 48, 'twelve…')-style pieces: (a, word, symbol, b, result)."""
    word, symbol, fn = rng.choice(OPS)
    a = rng.between(2, 60)
    b = rng.between(2, 12) if word == "times" else rng.between(1, 60)
    return a, word, symbol, b, fn(a, b)


def word_fact(rng):
    """(kind, word, answer) for opposites, plurals and past tenses."""
    kind = rng.choice(["opposite", "plural", "past"])
    table = {"opposite": OPPOSITES, "plural": PLURALS, "past": PAST_TENSE}[kind]
    w, answer = rng.choice(table)
    return kind, w, answer


def word_fact_question(rng, kind, w):
    forms = {
        "opposite": ["What is the opposite of {w}?", "Give me the opposite of \"{w}\".", "What's the antonym of {w}?"],
        "plural": ["What is the plural of {w}?", "How do you say more than one {w}?", "Plural of \"{w}\"?"],
        "past": ["What is the past tense of {w}?", "Yesterday I ... ({w}). Which form goes there?",
                 "Past tense of \"{w}\"?"],
    }[kind]
    return rng.choice(forms).replace("{w}", w)


def word_fact_sentence(kind, w, answer):
    return {
        "opposite": "The opposite of {w} is {a}.",
        "plural": "The plural of {w} is {a}.",
        "past": "The past tense of {w} is {a}.",
    }[kind].replace("{w}", w).replace("{a}", answer)


def unit_question(rng):
    big, small, factor = rng.choice(UNITS)
    n = rng.between(2, 12)
    return n, big, small, n * factor
