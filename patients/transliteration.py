"""Latin spelling of Kazakh and Russian names, as in Kazakhstan's identity documents (ICAO 9303 based)."""

LETTERS = {
    "а": "a",
    "ә": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "қ": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "n",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "u",
    "ү": "u",
    "ф": "f",
    "х": "kh",
    "һ": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "ie",
    "ы": "y",
    "і": "i",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}


def to_latin(text: str) -> str:
    """Transliterate a Cyrillic name into capital Latin letters, as printed in a passport."""
    return "".join(LETTERS.get(char, char) for char in text.lower()).upper()


def is_cyrillic_name(text: str) -> bool:
    """A name written in Cyrillic letters, with spaces, hyphens and apostrophes allowed."""
    return bool(text) and all(char.lower() in LETTERS or char in " -'" for char in text)
