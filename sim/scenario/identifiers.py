"""Names that look alike: one spelling per name, and no two names that only differ unseen.

A scenario names agencies, zones, places, databases, safe houses and people, and the model tells
them apart by their exact text. Two names a reader cannot tell apart would be two different
agencies (``Judge`` and ``Јudge``, whose first letter is Cyrillic), or a flag that never matches
the fugitive. The loader already writes every name in one Unicode form (NFC: ``Liège`` typed with
a combining accent is the same name as with a precomposed ``è``) and the schema refuses invisible
characters (zero-width spaces and joiners, direction marks). What is left are *homoglyphs*:
letters of other scripts drawn like Latin ones, and compatibility forms (fullwidth ``Ｊ``, the
``ﬁ`` ligature). :func:`skeleton` maps those to the Latin letter they imitate, so two names with
the same skeleton look the same; a scenario holding both is refused.

The table covers the Cyrillic and Greek capitals and small letters that are drawn like Latin
ones in common fonts (after Unicode's confusables data, UTS #39, for these two scripts); digits and
Latin look-alikes among themselves (``l``, ``1``, ``I``) are left alone, since names differing
there are readable as different.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

#: Where a value sits in the document (as sim.scenario.errors.KeyPath, which imports this module).
_KeyPath = tuple[str | int, ...]

#: Letters of other scripts that are drawn like a Latin letter, and that letter.
LOOKALIKES: dict[str, str] = {
    # Cyrillic capitals and small letters
    **dict(zip("АВЕКМНОРСТУХЅІЈԚԜҮ", "ABEKMHOPCTYXSIJQWY", strict=True)),
    **dict(zip("аеорсухѕіјһԁԛԝӏ", "aeopcyxsijhdqwl", strict=True)),
    # Greek capitals and small letters
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
    **dict(zip("ονρ", "ovp", strict=True)),
}


def skeleton(name: str) -> str:
    """What ``name`` looks like: compatibility forms folded (NFKC), homoglyphs made Latin."""
    return "".join(LOOKALIKES.get(c, c) for c in unicodedata.normalize("NFKC", name))


def looks_alike(a: str, b: str) -> bool:
    """True when two different names cannot be told apart by eye."""
    return a != b and skeleton(a) == skeleton(b)


def odd_letters(name: str) -> str:
    """The letters of ``name`` that only look Latin, named: "U+0408 CYRILLIC CAPITAL LETTER JE"."""
    odd = [
        c for c in dict.fromkeys(name) if c in LOOKALIKES or unicodedata.normalize("NFKC", c) != c
    ]
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}" for c in odd)


def lookalike_note(written: str, meant: str) -> str:
    """Why ``written`` is not ``meant`` although it looks so, for a message."""
    letters = odd_letters(written) or odd_letters(meant)
    return f"{written!r} looks like {meant!r} but is written with other characters ({letters})"


_PLURAL = {"agency": "agencies", "person": "people"}


def _plural(kind: str) -> str:
    return _PLURAL.get(kind, f"{kind}s")


def _named(scenario: Scenario) -> Iterator[tuple[str, str, _KeyPath]]:
    """Every name the scenario gives, with what it names and where it is written."""
    yield from (("agency", n, ("agencies", n)) for n in scenario.agencies)
    yield from (("zone", n, ("zones", n)) for n in scenario.zones)
    for zone, spec in scenario.zones.items():
        yield from (
            ("place", c, ("zones", zone, "communes", i)) for i, c in enumerate(spec.communes)
        )
    yield from (("place", n, ("places", n)) for n in scenario.places)
    yield from (("database", n, ("databases", n)) for n in scenario.databases)
    fugitive = scenario.fugitive
    yield from (("safe house", n, ("fugitive", "safe_houses", n)) for n in fugitive.safe_houses)
    if fugitive.outings is not None:
        haunts = fugitive.outings.haunts
        yield from (("haunt", n, ("fugitive", "outings", "haunts", n)) for n in haunts)
    yield "person", fugitive.name, ("fugitive", "name")
    yield from (("person", n, ("fugitive", "aliases", i)) for i, n in enumerate(fugitive.aliases))


def check_lookalikes(scenario: Scenario) -> list[tuple[_KeyPath, str]]:
    """Refuse two names of the same kind that look alike but differ (``Judge`` and ``Јudge``).

    Returns:
        ``(key path, message)`` pairs, one at each look-alike after the first of its group.
    """
    first: dict[tuple[str, str], tuple[str, _KeyPath]] = {}
    findings: list[tuple[_KeyPath, str]] = []
    for kind, name, path in _named(scenario):
        seen = first.setdefault((kind, skeleton(name)), (name, path))
        if seen[0] == name:
            continue
        where = ".".join(str(p) for p in seen[1])
        findings.append(
            (
                path,
                f"{lookalike_note(name, seen[0])}: they would be two different "
                f"{_plural(kind)} (the other is at {where}); spell both alike, or choose names "
                "that look different",
            )
        )
    return findings
