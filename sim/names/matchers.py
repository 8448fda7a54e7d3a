"""Name matchers: does a written name designate the same person as a record?

A database decides with one matcher (chosen in the scenario, DESIGN.md §2.4):

* ``exact``: identical letter for letter;
* ``soundex``, ``nysiis``, ``metaphone``: the same phonetic code for every token, in order
  (jellyfish; a code of the whole name would only see its first syllables);
* ``match_rating``: the Match Rating Approach comparison holds for every token, in order;
* ``jaro_winkler``: Jaro-Winkler similarity of the two names at least the threshold (rapidfuzz);
* ``levenshtein``: edit distance divided by the longer length at most the threshold (rapidfuzz).

Any of them can sit behind the normaliser of :mod:`sim.names.normalise` (``normalise: true``).

Decisions are cached per matcher, and one :class:`Matcher` per specification is shared by every
replication in a process (:func:`matcher`), so the model pays for a pair of names once.
:func:`link_matrix` decides whole populations at once for ``sim names``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Literal, get_args

import jellyfish
import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler, Levenshtein

from sim.names.normalise import normalise as normal_form

Method = Literal[
    "exact", "soundex", "nysiis", "metaphone", "match_rating", "jaro_winkler", "levenshtein"
]
METHODS: tuple[str, ...] = get_args(Method)

#: Thresholds of the similarity methods when the scenario names the method alone.
DEFAULT_THRESHOLDS: dict[str, float] = {"jaro_winkler": 0.9, "levenshtein": 0.2}

_CODES: dict[str, Callable[[str], str]] = {
    "soundex": jellyfish.soundex,
    "nysiis": jellyfish.nysiis,
    "metaphone": jellyfish.metaphone,
}
_CACHE_LIMIT = 1 << 18  # decisions kept per matcher before the cache starts again


@dataclass(frozen=True, slots=True)
class MatcherSpec:
    """Which matcher, with which threshold, with or without the normaliser in front.

    Attributes:
        method: one of :data:`METHODS`.
        threshold: for ``jaro_winkler`` the least similarity, for ``levenshtein`` the largest
            normalised distance; None for the other methods.
        normalise: put the transliteration-aware normaliser in front.
    """

    method: str
    threshold: float | None = None
    normalise: bool = False

    @property
    def label(self) -> str:
        """A short name for tables: ``exact``, ``jaro_winkler>=0.9``, ``normalised soundex``."""
        text = self.method
        if self.method == "jaro_winkler":
            text += f">={self.threshold:g}"
        elif self.method == "levenshtein":
            text += f"<={self.threshold:g}"
        return f"normalised {text}" if self.normalise else text

    def normalised(self, on: bool = True) -> MatcherSpec:
        """The same matcher with (or without) the normaliser in front."""
        return replace(self, normalise=on)


def parse_matcher(value: object) -> MatcherSpec:
    """Read a matcher as a scenario writes it: ``soundex`` or ``{jaro_winkler: 0.92}``.

    Raises:
        ValueError: an unknown method, or a threshold outside [0, 1] or on a method without one.
    """
    if isinstance(value, MatcherSpec):
        return value
    if isinstance(value, str):
        method, threshold = value, None
    elif isinstance(value, dict) and len(value) == 1:
        ((method, threshold),) = value.items()
    else:
        raise ValueError(
            "write a matcher as one word (e.g. soundex) or as {method: threshold} "
            "(e.g. {jaro_winkler: 0.92})"
        )
    if method not in METHODS:
        raise ValueError(f"unknown matcher {method!r}; use one of {', '.join(METHODS)}")
    if method not in DEFAULT_THRESHOLDS:
        if threshold is not None:
            raise ValueError(f"{method} takes no threshold; write matcher: {method}")
        return MatcherSpec(method)
    if threshold is None:
        threshold = DEFAULT_THRESHOLDS[method]
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise ValueError(f"the {method} threshold must be a number, e.g. {{{method}: 0.9}}")
    if not 0 <= threshold <= 1:
        raise ValueError(f"the {method} threshold must be between 0 and 1, got {threshold}")
    return MatcherSpec(method, float(threshold))


# --- deciding one pair -------------------------------------------------------------------------


def _tokens(name: str) -> tuple[str, ...]:
    """Letters-only tokens of a name (the phonetic coders take letters only)."""
    out = ("".join(ch for ch in token if ch.isalpha()) for token in name.split())
    return tuple(t for t in out if t)


@lru_cache(maxsize=65536)
def _key(method: str, name: str) -> tuple[str, ...]:
    """The phonetic key of a name: one code per token."""
    code = _CODES[method]
    return tuple(code(token) for token in _tokens(name))


@lru_cache(maxsize=65536)
def _mra_tokens(a: str, b: str) -> bool:
    return jellyfish.match_rating_comparison(a, b) is True


def _decide(spec: MatcherSpec, a: str, b: str) -> bool:
    """The decision itself, without cache (names already normalised when the spec says so)."""
    method = spec.method
    if method == "exact":
        return a == b
    if method in _CODES:
        return _key(method, a) == _key(method, b)
    if method == "match_rating":
        ta, tb = _tokens(a), _tokens(b)
        return len(ta) == len(tb) and all(_mra_tokens(x, y) for x, y in zip(ta, tb, strict=True))
    threshold = spec.threshold
    if threshold is None:  # parse_matcher gives every similarity matcher a threshold
        raise ValueError(f"the {method} matcher needs a threshold")
    if method == "jaro_winkler":
        return JaroWinkler.similarity(a, b) >= threshold
    return Levenshtein.normalized_distance(a, b) <= threshold


class Matcher:
    """One matcher and its cache of decisions, shared by every replication of a process."""

    def __init__(self, spec: MatcherSpec) -> None:
        self.spec = spec
        self._exact = spec.method == "exact" and not spec.normalise
        self._decisions: dict[tuple[str, str], bool] = {}
        self._indexes: dict[frozenset[str], _Index] = {}

    def same(self, a: str, b: str) -> bool:
        """True when the written names ``a`` and ``b`` are taken for the same person."""
        key = (a, b)
        decided = self._decisions.get(key)
        if decided is None:
            if len(self._decisions) >= _CACHE_LIMIT:
                self._decisions.clear()  # bounded memory; the hot pairs come back at once
            spec = self.spec
            if spec.normalise:
                decided = _decide(spec, normal_form(a), normal_form(b))
            else:
                decided = _decide(spec, a, b)
            self._decisions[key] = decided
        return decided

    def any(self, name: str, records: Sequence[str] | set[str]) -> bool:
        """True when ``name`` is taken for the person of one of ``records``."""
        if self._exact:
            return name in records
        same = self.same
        return any(same(name, record) for record in records)

    def index(self, records: frozenset[str]) -> Callable[[str], bool]:
        """A lookup of many records that never change (a register's standing records), cached.

        Phonetic and exact methods look the name's key up in a set; similarity methods scan the
        records in C (rapidfuzz); the answer for each name is kept, so a replication that asks
        about a name already seen in this process pays a dictionary lookup.
        """
        found = self._indexes.get(records)
        if found is None:
            found = self._indexes[records] = _Index(self.spec, records)
        return found.holds


class _Index:
    """Standing records and the answers already given about names."""

    def __init__(self, spec: MatcherSpec, records: frozenset[str]) -> None:
        self.spec = spec
        self.records = sorted(records)  # sorted: the scan order must not depend on hashing
        self.answers: dict[str, bool] = {}
        self.keys: set[object] | None = None
        if spec.method == "exact" or spec.method in _CODES:
            self.keys = {self._key(r) for r in self.records}
        elif spec.normalise:
            self.records = [normal_form(r) for r in self.records]

    def _key(self, name: str) -> object:
        if self.spec.normalise:
            name = normal_form(name)
        return name if self.spec.method == "exact" else _key(self.spec.method, name)

    def holds(self, name: str) -> bool:
        answer = self.answers.get(name)
        if answer is None:
            answer = self.answers[name] = self._decide(name)
        return answer

    def _decide(self, name: str) -> bool:
        if self.keys is not None:
            return self._key(name) in self.keys
        spec = self.spec
        query = normal_form(name) if spec.normalise else name
        if spec.method == "jaro_winkler":
            best = process.extractOne(
                query, self.records, scorer=JaroWinkler.similarity, score_cutoff=spec.threshold
            )
            return best is not None
        if spec.method == "levenshtein":
            best = process.extractOne(
                query,
                self.records,
                scorer=Levenshtein.normalized_distance,
                score_cutoff=spec.threshold,
            )
            return best is not None
        return any(_decide(spec, query, record) for record in self.records)


@cache
def matcher(spec: MatcherSpec) -> Matcher:
    """The process-wide matcher of ``spec`` (so its cache outlives each replication)."""
    return Matcher(spec)


@cache
def matcher_of(spec: MatcherSpec, normalise: bool) -> Matcher:
    """The process-wide matcher of ``spec``, with or without the normaliser in front."""
    return matcher(spec.normalised(normalise))


# --- deciding populations (sim names) ----------------------------------------------------------


def link_matrix(spec: MatcherSpec, queries: Sequence[str], records: Sequence[str]) -> np.ndarray:
    """Which queries each matcher links to which records: a boolean matrix (query, record)."""
    if spec.normalise:
        queries = [normal_form(q) for q in queries]
        records = [normal_form(r) for r in records]
    method = spec.method
    if method == "jaro_winkler":
        scores = process.cdist(queries, records, scorer=JaroWinkler.similarity, dtype=np.float32)
        return scores >= np.float32(spec.threshold) - np.float32(1e-6)
    if method == "levenshtein":
        scorer = Levenshtein.normalized_distance
        scores = process.cdist(queries, records, scorer=scorer, dtype=np.float32)
        return scores <= np.float32(spec.threshold) + np.float32(1e-6)
    if method == "match_rating":
        return _tokenwise(queries, records, _mra_tokens)
    key: Callable[[str], object] = (lambda s: s) if method == "exact" else _keyer(method)
    ids: dict[object, int] = {}
    q = np.array([ids.setdefault(key(s), len(ids)) for s in queries])
    r = np.array([ids.setdefault(key(s), len(ids)) for s in records])
    return q[:, None] == r[None, :]


def _keyer(method: str) -> Callable[[str], object]:
    return lambda s: _key(method, s)


def _tokenwise(
    queries: Sequence[str], records: Sequence[str], same: Callable[[str, str], bool]
) -> np.ndarray:
    """Link names whose tokens agree pairwise, deciding each distinct pair of tokens once."""
    tq = [_tokens(s) for s in queries]
    tr = [_tokens(s) for s in records]
    width = max((len(t) for t in (*tq, *tr)), default=0)
    links = np.ones((len(queries), len(records)), dtype=bool)
    for position in range(width):
        left = [t[position] if position < len(t) else "" for t in tq]
        right = [t[position] if position < len(t) else "" for t in tr]
        lv, li = np.unique(left, return_inverse=True)
        rv, ri = np.unique(right, return_inverse=True)
        agree = np.array(
            [[(a == b == "") or (a != "" != b and same(a, b)) for b in rv] for a in lv],
            dtype=bool,
        ).reshape(len(lv), len(rv))
        links &= agree[li.reshape(-1)[:, None], ri.reshape(-1)[None, :]]
    return links
