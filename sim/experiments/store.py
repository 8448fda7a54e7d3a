"""The results store: finished replications kept in an embedded SQLite file.

Every replication's flat record is stored under (scenario content hash, seed, replication), beside
the resolved scenario and the package version that produced it. Re-running a command reuses what is
there, so an interrupted batch resumes where it stopped and a repeated question costs nothing.

Writes are transactions (one per batch of replications) in SQLite's write-ahead-log mode: a process
killed at any moment leaves a readable store holding every batch committed before the kill. Records
of an older model revision are ignored (and replaced when recomputed): numbers from a different
model never mix into a summary.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.model.record import Record
from sim.scenario import Scenario

#: Bump when the model's output changes for the same scenario and seed (also a CHANGELOG line).
MODEL_REVISION = "3"
DEFAULT_PATH = Path("reports/results.sqlite")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scenarios (
    hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    version TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    hash TEXT NOT NULL,
    seed INTEGER NOT NULL,
    replication INTEGER NOT NULL,
    model TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (hash, seed, replication)
);
"""


class StoreError(Exception):
    """The store cannot be opened, read or written (message says which file and what to do)."""


class ResultsStore:
    """An SQLite file of finished replications (``":memory:"`` for a throwaway store)."""

    def __init__(self, path: str | Path = DEFAULT_PATH) -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                self._check_place(Path(self.path))
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            if self.path != ":memory:":
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except (sqlite3.Error, OSError) as err:
            raise StoreError(self._explain(err)) from None

    def _check_place(self, path: Path) -> None:
        """Refuse a path that is a folder, or that lies under a file, before SQLite sees it."""
        if path.is_dir():
            raise StoreError(
                f"results store {path}: is a folder; give a file in it, e.g. "
                f"--store {path / 'results.sqlite'}"
            )
        folder = next((p for p in path.parents if p.exists()), Path("."))
        if not folder.is_dir():
            raise StoreError(
                f"results store {path}: {folder} is a file, not a folder; choose another place "
                "with --store PATH"
            )

    def _explain(self, err: BaseException) -> str:
        text = str(err)
        if "readonly" in text or "read-only" in text or isinstance(err, PermissionError):
            hint = "the file or its folder is read-only; choose another with --store PATH"
        elif "disk" in text and "full" in text:
            hint = "the disk is full; free space or choose another place with --store PATH"
        elif "disk I/O error" in text:
            hint = (
                "the disk failed to write (is it full or removed?); free space or choose "
                "another place with --store PATH"
            )
        elif "unable to open" in text:
            hint = (
                "the file cannot be created or opened there (is its folder read-only?); choose "
                "another with --store PATH"
            )
        elif "not a database" in text or "malformed" in text:
            hint = "the file is not a results store; choose another with --store PATH"
        else:
            hint = "choose another file with --store PATH"
        return f"results store {self.path}: {text}; {hint}"

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ------------------------------------------------------------------------------

    def register(self, scenario_hash: str, scenario: Scenario, version: str) -> None:
        """Record the resolved scenario behind a hash (once)."""
        document = scenario.model_dump_json(by_alias=True)
        self._write(
            "INSERT OR IGNORE INTO scenarios VALUES (?, ?, ?, ?, ?)",
            [(scenario_hash, scenario.name, document, version, time.time())],
        )

    def save(
        self, scenario_hash: str, seed: int, records: Iterable[Mapping[str, int | float | str]]
    ) -> None:
        """Store a batch of records in one transaction (all or nothing)."""
        rows = [
            (scenario_hash, seed, int(r["replication"]), MODEL_REVISION, json.dumps(r))
            for r in records
        ]
        self._write("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?)", rows)

    def _write(self, sql: str, rows: Sequence[tuple[object, ...]]) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(sql, rows)
            self._db.execute("COMMIT")
        except sqlite3.Error as err:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise StoreError(self._explain(err)) from None

    # --- reading ------------------------------------------------------------------------------

    def done(self, scenario_hash: str, seed: int, below: int) -> set[int]:
        """Replications under ``below`` already stored for this scenario and seed."""
        rows = self._read(
            "SELECT replication FROM records WHERE hash=? AND seed=? AND model=? AND replication<?",
            (scenario_hash, seed, MODEL_REVISION, below),
        )
        return {r[0] for r in rows}

    def records(self, scenario_hash: str, seed: int, below: int | None = None) -> Iterator[Record]:
        """Stored records in replication order (all, or those under ``below``)."""
        limit = below if below is not None else 2**62
        rows = self._read(
            "SELECT record FROM records WHERE hash=? AND seed=? AND model=? AND replication<? "
            "ORDER BY replication",
            (scenario_hash, seed, MODEL_REVISION, limit),
        )
        for (text,) in rows:
            yield json.loads(text)

    def scenarios(self) -> list[tuple[str, str, int, int]]:
        """Each stored (hash, name, seed, replications) of the current model revision."""
        rows = self._read(
            "SELECT r.hash, s.name, r.seed, COUNT(*) FROM records r JOIN scenarios s "
            "ON s.hash = r.hash WHERE r.model=? GROUP BY r.hash, r.seed ORDER BY s.name, r.seed",
            (MODEL_REVISION,),
        )
        return [tuple(r) for r in rows]

    def document(self, scenario_hash: str) -> dict[str, object] | None:
        """The resolved scenario stored under a hash."""
        rows = list(self._read("SELECT document FROM scenarios WHERE hash=?", (scenario_hash,)))
        return json.loads(rows[0][0]) if rows else None

    def _read(self, sql: str, args: tuple[object, ...]) -> Iterator[tuple[Any, ...]]:
        """The rows ``sql`` selects, as sqlite3 gives them (their types are the columns')."""
        try:
            cursor = self._db.execute(sql, args)
            while batch := cursor.fetchmany(500):
                yield from batch
        except sqlite3.Error as err:
            raise StoreError(self._explain(err)) from None
