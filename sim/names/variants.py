"""Spelling variants: the name a writer puts down when he writes someone else's name.

A name is cut once into literal text and *sites* (see :mod:`sim.names.conventions`): the places
where a writing habit can apply. Each site is re-spelt with its rule's probability, independently,
and the surname is put first with the ``order`` probability. Drawing that is cheap: one draw from
the writer's stream says whether anything changes at all (most writings change nothing); only
then are the sites visited, each conditioned on at least one change among it and those after it
(the same law as one draw per site, for a fraction of the draws), and a further draw picks each
new spelling. One last draw decides a typing error. The cut and these chances are cached per name
and convention, so the model's per-tip path does no pattern matching after the first time.

Two ways of writing (:func:`write_name`): a name **heard** (an informant's call, a translator's
reading, a warning) is re-spelt in the writer's convention; a name **copied** from papers (a
patrol reading an identity card) keeps its letters and can only suffer a typing error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from sim.core.streams import Stream
from sim.names.conventions import Convention

_VOWEL = "aeiouy"

# Site patterns on the lower-cased name, by rule, in the order rules claim sites (see RULES).
_PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("diacritic", "diacritic", re.compile(r"[^\x00-\x7f]")),
    ("article", "article", re.compile(r"(?<![a-z])(?:el|al)[- ](?=[a-z])")),
    ("article", "abd_article", re.compile(r"(?<=abd)(?:oul|oel|el|al|ul|ou|oe|e|u)(?=[a-z-])")),
    ("separator", "separator", re.compile(r"(?<=[a-z])-(?=[a-z])")),
    ("u_sound", "u_sound", re.compile(r"ou|oe|oo|(?<![aeiouq])u(?![aeiou])")),
    ("sh_sound", "sh_sound", re.compile(r"ch|sh|kh|sj")),
    ("j_sound", "j_sound", re.compile(r"dzj|dj|j")),
    ("short_vowel", "insert", re.compile(r"(?<=[aeiouy][bcdfghkpqstvz])(?=[lmnr])")),
    ("short_vowel", "drop", re.compile(r"(?<=[aeiouy][bdhkst])[ae](?=[lmnr][aeiouy])")),
    ("vowel", "vowel", re.compile(r"(?<=[a-z])[aeio]")),
    ("double", "single", re.compile(r"([bcdfgklmnprstz])\1")),
    ("double", "double", re.compile(r"(?<=[aeiouy])[bdfgklmnprstz](?=[aeiouy])")),
)

#: Particles that belong to the surname when the writer puts it first.
_PARTICLES = frozenset({"el", "al", "ben", "ibn", "bou", "abou", "van", "de", "den", "der", "le"})


@dataclass(frozen=True, slots=True)
class Site:
    """One place in a name where a writing habit can apply.

    Attributes:
        rule: the rule (conventions.RULES) this site belongs to.
        kind: the spelling class or operation (``u_sound``, ``insert``, ``single``...).
        text: the site's text as the name has it (empty for an insertion point).
    """

    rule: str
    kind: str
    text: str


Piece = str | Site


@lru_cache(maxsize=4096)
def cut(name: str) -> tuple[Piece, ...]:
    """Cut ``name`` into literal text and sites, in order (cached: names repeat).

    Rules claim sites in :data:`_PATTERNS` order; a match that overlaps a site already claimed
    (an insertion point strictly inside a span, or a span over a claimed character or around a
    claimed insertion point) is left to the earlier rule.
    """
    low = name.lower()
    if len(low) != len(name):  # a letter whose lower case is longer: keep the spans aligned
        low = "".join(ch.lower()[:1] for ch in name)
    size = len(low)
    owner = [0] * size  # per character: 0 if free, else the number of the span claiming it
    points: list[int] = []  # claimed insertion points
    claimed: list[tuple[int, int, str, str]] = []
    for rule, kind, pattern in _PATTERNS:
        for match in pattern.finditer(low):
            start, end = match.span()
            if start == end:
                if 0 < start < size and owner[start - 1] and owner[start - 1] == owner[start]:
                    continue
                points.append(start)
            else:
                if any(owner[start:end]) or any(start < p < end for p in points):
                    continue
                owner[start:end] = [len(claimed) + 1] * (end - start)
            claimed.append((start, end, rule, kind))
    claimed.sort(key=lambda c: (c[0], c[1]))
    pieces: list[Piece] = []
    at = 0
    for start, end, rule, kind in claimed:
        if start > at:
            pieces.append(name[at:start])
        pieces.append(_site(rule, kind, low[start:end]))
        at = end
    if at < len(name):
        pieces.append(name[at:])
    return tuple(pieces)


_SITES: dict[tuple[str, str, str], Site] = {}


def _site(rule: str, kind: str, text: str) -> Site:
    """The one :class:`Site` of this rule, kind and text (a few hundred exist; names are many)."""
    key = (rule, kind, text)
    site = _SITES.get(key)
    if site is None:
        site = _SITES[key] = Site(rule, kind, text)
    return site


@dataclass(frozen=True, slots=True)
class _Plan:
    """How one convention writes one name: its pieces, sites and chances.

    ``chances`` holds each site's re-spelling chance, in order, then the chance of surname-first;
    ``tails[i]`` is the chance that at least one of ``chances[i:]`` comes true.
    """

    name: str
    texts: tuple[str, ...]
    sites: tuple[tuple[int, Site], ...]
    chances: tuple[float, ...]
    tails: tuple[float, ...]


_PLANS: dict[tuple[str, str, float], _Plan] = {}


def _plan(name: str, convention: Convention, variation: float) -> _Plan:
    key = (name, convention.name, variation)
    plan = _PLANS.get(key)
    if plan is None:
        if len(_PLANS) > 65536:
            _PLANS.clear()  # bounded memory: typos make endless new names
        pieces = cut(name)
        sites = tuple((i, p) for i, p in enumerate(pieces) if isinstance(p, Site))
        rules = [site.rule for _, site in sites] + ["order"]
        chances = tuple(min(1.0, convention.respell[rule] * variation) for rule in rules)
        tails, none_after = [], 1.0
        for chance in reversed(chances):
            none_after *= 1.0 - chance
            tails.append(1.0 - none_after)
        texts = tuple(p if isinstance(p, str) else p.text for p in pieces)
        plan = _PLANS[key] = _Plan(name, texts, sites, chances, tuple(reversed(tails)))
    return plan


def _pick(weights: tuple[tuple[str, float], ...], u: float) -> str:
    running = 0.0
    for spelling, weight in weights:
        running += weight
        if u < running:
            return spelling
    return weights[-1][0]


def _respell(site: Site, convention: Convention, u: float) -> str:
    """The spelling a writer of ``convention`` gives ``site`` when he re-spells it."""
    kind = site.kind
    if kind == "diacritic":
        return convention.diacritics.get(site.text, _ascii(site.text))
    if kind == "insert":
        return convention.epenthesis
    if kind in ("drop", "single"):
        return site.text[:1] if kind == "single" else ""
    if kind == "double":
        return site.text * 2
    if kind == "vowel":
        shifts = convention.vowels.get(site.text)
        return _pick(shifts, u) if shifts else site.text
    return _pick(convention.spellings[kind], u)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def write_name(
    name: str,
    convention: Convention,
    stream: Stream,
    typo_rate: float = 0.0,
    variation: float = 1.0,
    heard: bool = True,
    fired: list[str] | None = None,
) -> str:
    """The name as a writer of ``convention`` puts it down.

    Args:
        name: the name he hears or copies.
        convention: his writing convention.
        stream: his random stream (the same stream state gives the same spelling).
        typo_rate: the chance that he makes one typing error in the name.
        variation: a factor on every re-spelling chance (0: he writes the letters he is given).
        heard: re-spell in his convention; False: copy letter by letter (typos only).
        fired: if given, each rule he applied is appended to it (for statistics).

    Returns:
        The written name; ``name`` itself when nothing changed.
    """
    text = name
    if heard:
        plan = _plan(name, convention, variation)
        if stream.uniform() < plan.tails[0]:  # something is re-spelt: which sites?
            text = _respell_sites(plan, convention, stream, fired)
    if stream.uniform() < typo_rate:
        if fired is not None:
            fired.append("typo")
        text = typo(text, stream)
    return text


def _respell_sites(
    plan: _Plan, convention: Convention, stream: Stream, fired: list[str] | None
) -> str:
    """The name with its sites re-spelt, given that at least one change happens."""
    parts = list(plan.texts)
    chances, tails = plan.chances, plan.tails
    changed = happened = False
    for k, (slot, site) in enumerate(plan.sites):
        u = stream.uniform()
        # Until one change has happened, condition on at least one among this site and after.
        if (u < chances[k]) if happened else (u * tails[k] < chances[k]):
            happened = True
            spelling = _respell(site, convention, stream.uniform())
            if fired is not None:
                fired.append(site.rule)
            changed = changed or spelling != site.text
            parts[slot] = spelling
    text = "".join(parts)
    order = len(plan.sites)
    u = stream.uniform()
    if (u < chances[order]) if happened else True:  # the last chance left: it must come true
        if fired is not None:
            fired.append("order")
        text, moved = surname_first(text)
        changed = changed or moved
    return capitalise(text) if changed else plan.name


@lru_cache(maxsize=16384)
def surname_first(name: str) -> tuple[str, bool]:
    """``name`` with the surname (last token and its particles) moved to the front."""
    tokens = name.split()
    if len(tokens) < 2:
        return name, False
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].lower() in _PARTICLES:
        start -= 1
    return " ".join(tokens[start:] + tokens[:start]), True


@lru_cache(maxsize=16384)
def capitalise(name: str) -> str:
    """Each part of each token capitalised, a hyphenated article (``el-``) left lower-case."""
    tokens = []
    for token in name.split():
        parts = token.split("-")
        out = []
        for i, part in enumerate(parts):
            low = part.lower()
            if i < len(parts) - 1 and low in ("el", "al"):
                out.append(low)
            else:
                out.append(low[:1].upper() + low[1:])
        tokens.append("-".join(out))
    return " ".join(tokens)


# --- typing errors ----------------------------------------------------------------------------

_ROWS = ("azertyuiop", "qsdfghjklm", "wxcvbn")  # AZERTY, the Belgian keyboard


def _neighbours() -> dict[str, str]:
    near: dict[str, str] = {}
    for r, row in enumerate(_ROWS):
        for c, key in enumerate(row):
            keys = [row[c + d] for d in (-1, 1) if 0 <= c + d < len(row)]
            keys += [_ROWS[r2][c] for r2 in (r - 1, r + 1) if 0 <= r2 < 3 and c < len(_ROWS[r2])]
            near[key] = "".join(keys)
    return near


_NEAR = _neighbours()


def typo(name: str, stream: Stream) -> str:
    """``name`` with one typing error: a neighbouring key, a letter dropped, doubled or swapped.

    The result always differs from ``name``.
    """
    letters = list(name)
    positions = [i for i, ch in enumerate(letters) if ch.isalpha()]
    if len(positions) < 2:
        return name + "e"
    i = positions[min(int(stream.uniform() * len(positions)), len(positions) - 1)]
    move = int(stream.uniform() * 4)
    ch = letters[i]
    if move == 0:
        del letters[i]
    elif move == 1:
        letters.insert(i, ch)
    elif move == 2 and i + 1 < len(letters) and letters[i + 1].isalpha() and letters[i + 1] != ch:
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    else:
        near = _NEAR.get(ch.lower(), "e")
        key = near[min(int(stream.uniform() * len(near)), len(near) - 1)]
        letters[i] = key.upper() if ch.isupper() else key
    result = "".join(letters)
    return result if result != name else name + "e"
