"""Registers of wanted identities: what a database, or an agency's own files, hold.

A register holds **records**: names as written by whoever entered them. A written name matches
the register when the register's matcher takes it for one of the records (DESIGN.md §2.4).

* A **flag** enters a person under a name (written by the register's keeper), with a
  **ground** (:mod:`sim.model.grounds`): detain (the default), report or watch.
* An **alias** (a false ID, a nom de guerre) is a different name altogether: no matcher links it.
  Only a **link** says that two names are one person; from then on, if either is flagged, both
  are records, with the strongest ground of the group (Najim Laachraoui was sought as "Soufiane
  Kayal" until the names were linked, docs/sources.md §4).
* An **ambiguous** flag (two brothers, and nobody can say which one is meant) creates no record;
  it is held until a **resolve** names the person (docs/sources.md §5: no central-database record
  for the brothers because it could not be established which brother was involved).

A record that detains may say how long a detention on it lasts (``holds``; None: to the horizon).
"""

from __future__ import annotations

from collections.abc import Iterable

from sim.core.distributions import Dist
from sim.model.grounds import DETAIN, NONE, REPORT, WATCH, Ground
from sim.names.matchers import Matcher

#: How long a detention on a record lasts: a distribution, or None (to the horizon).
Hold = Dist | None


class Register:
    """The wanted records of one database or one agency's own files, during a replication.

    Args:
        matcher: how a written name is compared with the records.
        records: names wanted from the start, as written (grounds to detain, for good).
        others: other people wanted here (as written; never changed by events).

    Attributes:
        matcher: how a written name is compared with the records.
        records: the written names under which someone of the case is recorded here.
        flagged: the people (by the name the scenario gives them) recorded here.
        held: ambiguous flags waiting to be resolved: person -> (name as written, ground, hold).
        detentions: for each person with a ground to detain, how long each such record holds
            him.
    """

    __slots__ = (
        "_grounds",
        "_links",
        "_standing",
        "_weak",
        "_written",
        "detentions",
        "flagged",
        "held",
        "matcher",
        "records",
    )

    def __init__(
        self, matcher: Matcher, records: Iterable[str] = (), others: Iterable[str] = ()
    ) -> None:
        self.matcher = matcher
        self.records: set[str] = set(records)
        self.flagged: set[str] = set(self.records)
        self.held: dict[str, tuple[str, Ground, Hold]] = {}
        self.detentions: dict[str, list[Hold]] = {name: [None] for name in self.records}
        self._links: dict[str, frozenset[str]] = {}
        self._written: dict[str, str] = {name: name for name in self.records}
        self._grounds: dict[str, Ground] = dict.fromkeys(self.records, DETAIN)
        self._weak: dict[str, Ground] = {}  # written records that do not detain, and their ground
        standing = frozenset(others) - self.records
        # Other people's records never change: one index per process serves every replication.
        self._standing = matcher.index(standing) if standing else None

    def matches(self, name: str | None) -> bool:
        """True when the written ``name`` is taken for someone recorded here (any ground)."""
        if name is None:
            return False
        if self.matcher.any(name, self.records):
            return True
        return self._standing is not None and self._standing(name)

    def ground(self, name: str | None) -> Ground:
        """The strongest ground of the records the written ``name`` is taken for (NONE: none)."""
        weak = self._weak
        if not weak:  # every record detains (the usual case): a match is a ground to detain
            return DETAIN if self.matches(name) else NONE
        if name is None:
            return NONE
        if self._standing is not None and self._standing(name):
            return DETAIN
        same = self.matcher.any
        if same(name, [r for r in self.records if r not in weak]):
            return DETAIN
        for ground in (REPORT, WATCH):
            if same(name, [r for r, g in weak.items() if g is ground]):
                return ground
        return NONE

    def flag(self, person: str, written: str, ground: Ground = DETAIN, hold: Hold = None) -> None:
        """Enter ``person`` under the name as the keeper wrote it, with ``ground``.

        Args:
            person: who is entered (the scenario's name for him).
            written: the name as the keeper wrote it.
            ground: what the record lets a service do.
            hold: for a record that detains, how long a detention on it lasts (None: for good).
        """
        self.flagged.add(person)
        if ground > self._grounds.get(person, NONE):
            self._grounds[person] = ground
        if ground is DETAIN:
            self.detentions.setdefault(person, []).append(hold)
        self._written.setdefault(person, written)
        self._enter(written, ground)
        group = self._links.get(person, ())
        strongest = self._strongest(group) if group else ground
        for other in group:
            if other in self._written:
                self._enter(self._written[other], strongest)

    def _enter(self, written: str, ground: Ground) -> None:
        """Record ``written`` with ``ground`` (a name recorded before keeps a stronger ground)."""
        weak = self._weak
        if written in self.records and written not in weak:
            return  # already a record that detains
        self.records.add(written)
        if ground is DETAIN:
            weak.pop(written, None)
        elif ground > weak.get(written, NONE):
            weak[written] = ground

    def _strongest(self, group: Iterable[str]) -> Ground:
        return max((self._grounds.get(m, NONE) for m in group), default=NONE)

    def hold(self, person: str, written: str, ground: Ground = DETAIN, hold: Hold = None) -> None:
        """An ambiguous flag: nothing is entered until it is resolved."""
        self.held[person] = (written, ground, hold)

    def resolve(self, person: str) -> bool:
        """Resolve the ambiguous flag held for ``person``: False when none was held."""
        held = self.held.pop(person, None)
        if held is None:
            return False
        self.flag(person, *held)
        return True

    def link(self, alias: str, alias_written: str, person: str, person_written: str) -> None:
        """Link ``alias`` and ``person`` as one identity (each name as the keeper wrote it)."""
        self._written.setdefault(alias, alias_written)
        self._written.setdefault(person, person_written)
        group = frozenset(
            {alias, person, *self._links.get(alias, ()), *self._links.get(person, ())}
        )
        for member in group:
            self._links[member] = group
        if group & self.flagged:
            strongest = self._strongest(group)
            for member in group:
                if member in self._written:
                    self._enter(self._written[member], strongest)
