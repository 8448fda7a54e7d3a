"""Registers of wanted identities: what a database, or an agency's own files, hold.

A register holds **records**: names as written by whoever entered them. A written name matches
the register when the register's matcher takes it for one of the records (DESIGN.md §2.4).

* A **flag** enters a wanted person under a name (written by the register's keeper).
* An **alias** (a false ID, a nom de guerre) is a different name altogether: no matcher links it.
  Only a **link** says that two names are one person; from then on, if either is wanted, both
  are records (Najim Laachraoui was sought as "Soufiane Kayal" until the names were linked,
  docs/sources.md §4).
* An **ambiguous** flag (two brothers, and nobody can say which one is meant) creates no record;
  it is held until a **resolve** names the person (docs/sources.md §5: no central-database record
  for the brothers because it could not be established which brother was involved).
"""

from __future__ import annotations

from collections.abc import Iterable

from sim.names.matchers import Matcher


class Register:
    """The wanted records of one database or one agency's own files, during a replication.

    Args:
        matcher: how a written name is compared with the records.
        records: names wanted from the start, as written.
        others: other people wanted here (as written; never changed by events).

    Attributes:
        matcher: how a written name is compared with the records.
        records: the written names under which someone of the case is wanted here.
        flagged: the people (by the name the scenario gives them) wanted here.
        held: ambiguous flags waiting to be resolved: person -> name as written.
    """

    __slots__ = ("_links", "_standing", "_written", "flagged", "held", "matcher", "records")

    def __init__(
        self, matcher: Matcher, records: Iterable[str] = (), others: Iterable[str] = ()
    ) -> None:
        self.matcher = matcher
        self.records: set[str] = set(records)
        self.flagged: set[str] = set(self.records)
        self.held: dict[str, str] = {}
        self._links: dict[str, frozenset[str]] = {}
        self._written: dict[str, str] = {name: name for name in self.records}
        standing = frozenset(others) - self.records
        # Other people's records never change: one index per process serves every replication.
        self._standing = matcher.index(standing) if standing else None

    def matches(self, name: str | None) -> bool:
        """True when the written ``name`` is taken for someone wanted here."""
        if name is None:
            return False
        if self.matcher.any(name, self.records):
            return True
        return self._standing is not None and self._standing(name)

    def flag(self, person: str, written: str) -> None:
        """Enter ``person`` as wanted, under the name as the keeper wrote it."""
        self.flagged.add(person)
        self._written.setdefault(person, written)
        self.records.add(written)
        for other in self._links.get(person, ()):
            if other in self._written:
                self.records.add(self._written[other])

    def hold(self, person: str, written: str) -> None:
        """An ambiguous flag: nothing is entered until it is resolved."""
        self.held[person] = written

    def resolve(self, person: str) -> bool:
        """Resolve the ambiguous flag held for ``person``: False when none was held."""
        written = self.held.pop(person, None)
        if written is None:
            return False
        self.flag(person, written)
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
            self.records.update(self._written[m] for m in group if m in self._written)
