"""Looking after a results store: what it holds, checking it, and making it smaller.

What ``sim store info|check|repair|prune|vacuum`` do. :func:`holdings` says what the store holds
by scenario, seed and model revision (and how many bytes of records each takes); :func:`check`
finds every row that fails its checksum or the record's schema, and SQLite's own integrity
check; :func:`repair` deletes those rows (the next run computes them again); :func:`prune`
drops the rows of model revisions other than this one (by default only the older ones: rows a
newer version wrote are its results, not this version's to throw away); :func:`vacuum` gives the
freed space back to the file system.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sim.experiments import layout
from sim.experiments import store as results_store
from sim.experiments.store import ResultsStore, StoreError, observed_problem, read_row


@dataclass(frozen=True)
class Holding:
    """The rows of one scenario, seed and model revision."""

    scenario: str
    scenario_hash: str
    seed: int
    model_revision: str
    replications: int
    first: int
    last: int
    record_bytes: int

    @property
    def current(self) -> bool:
        """Whether this version of the model reads these rows."""
        return self.model_revision == current_revision()


@dataclass(frozen=True)
class StoreInfo:
    """What a store is and holds."""

    path: str
    layout: int
    file_bytes: int
    notes: dict[str, str]
    holdings: list[Holding]


@dataclass(frozen=True)
class BadRow:
    """A stored row that cannot be believed, and why."""

    scenario_hash: str
    seed: int
    model_revision: str
    replication: int
    problem: str


def info(store: ResultsStore) -> StoreInfo:
    """What ``store`` holds, by scenario, seed and model revision."""
    rows = _query(
        store,
        "SELECT COALESCE(s.name, '(unknown)'), r.hash, r.seed, r.model, COUNT(*), "
        "MIN(r.replication), MAX(r.replication), SUM(LENGTH(r.record)) FROM records r "
        "LEFT JOIN scenarios s ON s.hash = r.hash GROUP BY r.hash, r.seed, r.model "
        "ORDER BY 1, r.seed, r.model",
    )
    holdings = [Holding(*row) for row in rows]
    notes = dict(_query(store, "SELECT key, value FROM meta"))
    size = 0 if store.path == ":memory:" else _size(store.path)
    return StoreInfo(store.path, layout.recognise(store.connection), size, notes, holdings)


def _query(store: ResultsStore, sql: str) -> Iterator[tuple[Any, ...]]:
    """The rows ``sql`` selects, a thousand at a time; SQLite's errors said in words."""
    try:
        cursor = store.connection.execute(sql)
        while rows := cursor.fetchmany(1000):
            yield from rows
    except sqlite3.Error as err:
        raise store.explain(err) from None


def _size(path: str) -> int:
    """Bytes of the store with its write-ahead log."""
    return sum(os.path.getsize(p) for p in (path, f"{path}-wal") if os.path.exists(p))


def bad_rows(store: ResultsStore) -> Iterator[BadRow]:
    """Every row that fails its checksum or the record's schema (any model revision).

    A replication whose stored observations (``sim calibrate``) fail their checksum is a bad
    row too: repairing it deletes the record with them, and the next run computes both again.
    """
    rows = _query(
        store,
        "SELECT hash, seed, model, replication, record, checksum FROM records "
        "ORDER BY hash, seed, model, replication",
    )
    for key, seed, model, replication, text, digest in rows:
        found = read_row(key, seed, model, replication, text, digest)
        if isinstance(found, str):
            yield BadRow(key, seed, model, replication, found)
    if not store.has_observations():
        return
    seen = _query(
        store,
        "SELECT hash, seed, model, replication, history, observed, checksum FROM observations "
        "ORDER BY hash, seed, model, history, replication",
    )
    for key, seed, model, replication, history, bits, digest in seen:
        problem = observed_problem(key, seed, model, replication, history, bits, digest)
        if problem:
            yield BadRow(key, seed, model, replication, problem)


def integrity(store: ResultsStore) -> list[str]:
    """SQLite's own integrity check of the file (empty when it is sound)."""
    lines = [r[0] for r in _query(store, "PRAGMA integrity_check")]
    return [] if lines == ["ok"] else lines


def repair(store: ResultsStore, rows: Sequence[BadRow]) -> int:
    """Delete ``rows`` in one transaction; return how many were deleted."""
    _must_write(store, "repair")
    keys = [(r.scenario_hash, r.seed, r.model_revision, r.replication) for r in rows]
    if store.has_observations():  # a record's observations go with it, and back
        _delete(
            store,
            "DELETE FROM observations WHERE hash=? AND seed=? AND model=? AND replication=?",
            keys,
        )
    return _delete(
        store,
        "DELETE FROM records WHERE hash=? AND seed=? AND model=? AND replication=?",
        keys,
    )


def older_revisions(store: ResultsStore) -> list[str]:
    """Model revisions in the store that come before this version's."""
    found = [r[0] for r in _query(store, "SELECT DISTINCT model FROM records")]
    return sorted((r for r in found if is_older(r)), key=_order)


def current_revision() -> str:
    """The model revision this version computes and reads."""
    return results_store.MODEL_REVISION


def is_older(revision: str) -> bool:
    """Whether a model revision comes before this version's (revisions are whole numbers)."""
    current = current_revision()
    return revision.isdigit() and current.isdigit() and int(revision) < int(current)


def _order(revision: str) -> tuple[int, str]:
    return (int(revision), "") if revision.isdigit() else (2**31, revision)


def prune(store: ResultsStore, revisions: Sequence[str]) -> int:
    """Delete every row of the given model revisions; return how many were deleted.

    Scenarios no row refers to any more are forgotten too.
    """
    _must_write(store, "prune")
    if store.has_observations():
        _delete(store, "DELETE FROM observations WHERE model=?", [(r,) for r in revisions])
    deleted = _delete(store, "DELETE FROM records WHERE model=?", [(r,) for r in revisions])
    _delete(
        store,
        "DELETE FROM scenarios WHERE hash NOT IN (SELECT DISTINCT hash FROM records)",
        [()],
    )
    return deleted


def vacuum(store: ResultsStore) -> tuple[int, int]:
    """Rebuild the file without its free pages; return its size before and after (bytes)."""
    _must_write(store, "vacuum")
    before = _size(store.path)
    db = store.connection
    try:
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as err:
        raise store.explain(err) from None
    return before, _size(store.path)


def _delete(store: ResultsStore, sql: str, keys: Sequence[tuple[object, ...]]) -> int:
    db = store.connection
    before = db.total_changes
    store.write_many(sql, keys)
    return db.total_changes - before


def _must_write(store: ResultsStore, what: str) -> None:
    if store.read_only:
        raise StoreError(
            store.path,
            f"lies on read-only media: it cannot be changed ({what})",
            "copy it to a writable place and run the command on the copy",
        )
