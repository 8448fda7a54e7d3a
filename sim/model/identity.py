"""Misreading a name: the garbling of a name read across the language barrier.

A database or an agency's files hold names *as written* by whoever entered them; a tip carries the
name as its writer spelled it; whether the two are taken for the same person is the matcher's
decision (:mod:`sim.names.matchers`). A misread in translation garbles the name (DESIGN.md §2.3):
an exact matcher no longer recognises it, a fuzzy one may.
"""

from __future__ import annotations

from sim.core.streams import Stream

_VOWELS = "aeiouy"


def garble(name: str, stream: Stream) -> str:
    """A misreading of ``name``: one letter dropped, doubled, swapped or a vowel changed.

    The result always differs from ``name`` (a misread that changed nothing would not be one).
    """
    letters = list(name)
    positions = [i for i, ch in enumerate(letters) if ch.isalpha()]
    if not positions:
        return name + "?"
    i = positions[min(int(stream.uniform() * len(positions)), len(positions) - 1)]
    move = int(stream.uniform() * 4)
    if move == 0 and len(positions) > 1:
        del letters[i]
    elif move == 1:
        letters.insert(i, letters[i])
    elif move == 2 and i + 1 < len(letters) and letters[i + 1] != letters[i]:
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    else:
        ch = letters[i].lower()
        other = _VOWELS[(_VOWELS.find(ch) + 1) % len(_VOWELS)] if ch in _VOWELS else "e"
        letters[i] = other.upper() if letters[i].isupper() else other
    result = "".join(letters)
    return result if result != name else name + "e"
