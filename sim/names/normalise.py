"""A transliteration-aware normaliser: one spelling for the spellings conventions disagree on.

Put in front of any matcher, it undoes what French, Dutch, English and Turkish writing habits
change without changing the name (sim.names.conventions): letter case and accents, the article
(el- / al- / El, also in Abd-el- / Abdul / Abdes), ou / oe / oo / u, ch / sh / kh / sj, dj / dzj /
j, ph / f, q / k, ie / y / i, doubled letters, hyphens and spaces, and the order of the tokens.
It does not undo what changes the letters of the name itself: a vowel shifted or an unwritten
vowel inserted, a typing error. Those are left to a fuzzy matcher behind it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters with their own romanisation before accents are stripped (Turkish ş is sh, not s).
_LETTERS = str.maketrans({"ş": "sh", "ç": "ch", "ı": "i", "ğ": "", "ß": "ss", "ø": "o"})

_ARTICLES = frozenset({"el", "al", "ul"})

# Digraphs, longest first; each becomes the spelling all conventions can agree on.
_DIGRAPHS = (
    (re.compile(r"dzj|dj"), "j"),
    (re.compile(r"tch|tsj"), "ch"),
    (re.compile(r"kh|sh|sj|ch"), "sh"),
    (re.compile(r"ou|oe|oo"), "u"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck|q"), "k"),
    (re.compile(r"ie|y|ee"), "i"),
)
_ABD = re.compile(r"^abd(?:[aeiou]{1,2}l|[aeiou]{1,2}(?=[sdtrnz]))?")
_DOUBLED = re.compile(r"([a-z])\1+")


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """The normal form of a written name (cached: the model asks about the same names again)."""
    text = name.casefold().translate(_LETTERS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z]+", " ", text)  # hyphens, apostrophes and digits split tokens
    tokens = [t for t in text.split() if t not in _ARTICLES]
    tokens = _join_abd(tokens)
    out = []
    for token in tokens:
        token = _ABD.sub("abd", token)
        for pattern, spelling in _DIGRAPHS:
            token = pattern.sub(spelling, token)
        out.append(_DOUBLED.sub(r"\1", token))
    return " ".join(sorted(out))


def _join_abd(tokens: list[str]) -> list[str]:
    """``Abd el Karim`` and ``Abdel Karim`` are one given name: join a bare Abd(el) to the next."""
    joined: list[str] = []
    for token in tokens:
        if joined and _ABD.fullmatch(joined[-1]):
            joined[-1] += token
        else:
            joined.append(token)
    return joined
