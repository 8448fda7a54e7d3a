"""The results store: finished replications kept in an embedded SQLite file.

Every replication's flat record is stored under (scenario content hash, seed, model revision,
replication), beside the resolved scenario and the package version that produced it. Re-running a
command reuses what is there, so an interrupted batch resumes where it stopped and a repeated
question costs nothing.

Writes are transactions (one per batch of replications) in SQLite's write-ahead-log mode: a process
killed at any moment leaves a readable store holding every batch committed before the kill. Records
of another model revision are kept but never read into a summary: numbers from a different model
never mix, and a version of the model never overwrites another's results.

A store knows what it is (:mod:`sim.experiments.layout`: an application id and a layout version
in the file's header; older layouts are migrated, other programs' files refused and left alone)
and believes nothing it reads back without checking it (:mod:`sim.experiments.record_check`: a
checksum over each row's key and record, and the record's schema).
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import stat
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.experiments import layout
from sim.experiments.record_check import checksum, record_problem
from sim.model.record import Record
from sim.scenario import Scenario

#: Bump when the model's output changes for the same scenario and seed (also a CHANGELOG line).
MODEL_REVISION = "4"
DEFAULT_PATH = Path("reports/results.sqlite")

#: Rows read from SQLite at a time (records are streamed, never all loaded at once).
BATCH_ROWS = 1000

#: What replications of a replay bore out of a history file's observations, one row per
#: replication and history (``sim calibrate``). Created when first written: a store without it
#: has observed nothing, and versions that do not know it read the store as before.
OBSERVATIONS = """
CREATE TABLE IF NOT EXISTS observations (
    hash TEXT NOT NULL,
    seed INTEGER NOT NULL,
    model TEXT NOT NULL,
    history TEXT NOT NULL,
    replication INTEGER NOT NULL,
    observed TEXT NOT NULL,
    checksum TEXT NOT NULL,
    PRIMARY KEY (hash, seed, model, history, replication)
)"""

_SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(Exception):
    """The store cannot be opened, read or written (message says which file and what to do).

    Attributes:
        store: the store's path.
        reason: what went wrong.
        hint: what to do about it.
    """

    def __init__(self, store: str, reason: str, hint: str = "") -> None:
        super().__init__(f"results store {store}: {reason}" + (f"; {hint}" if hint else ""))
        self.store = store
        self.reason = reason
        self.hint = hint

    def with_saved(self, saved: int, wanted: int) -> StoreError:
        """The same error, saying how many replications the store holds of those wanted."""
        reason = f"{self.reason}; {saved} of {wanted} replications are saved in it"
        hint = f"{self.hint}; the same command run again finishes from there"
        return StoreError(self.store, reason, hint)


class ResultsStore:
    """An SQLite file of finished replications (``":memory:"`` for a throwaway store).

    Args:
        path: the store's file; created (with its folder) if missing, unless ``read_only``.
        read_only: only read: the file must exist. A store in a place this process may write is
            still migrated to the current layout; on read-only media it is read as it is.
    """

    def __init__(self, path: str | Path = DEFAULT_PATH, *, read_only: bool = False) -> None:
        self.path = str(path)
        #: True when this connection cannot write (the store lies on read-only media).
        self.read_only = False
        self._closed = False
        try:
            self._db = self._open(read_only)
        except layout.NotAStore as err:
            raise StoreError(self.path, str(err)) from None
        except (sqlite3.Error, OSError) as err:
            raise self.explain(err) from None

    # --- opening ------------------------------------------------------------------------------

    def _open(self, read_only: bool) -> sqlite3.Connection:
        if self.path == ":memory:":
            db = _connect(":memory:")
            layout.create(db)
            return db
        path = Path(self.path)
        if self._is_new(path):
            if read_only:
                raise StoreError(
                    self.path, "does not exist", "run the scenario first (sim run ...)"
                )
            return self._create(path)
        if not _writable(path):
            if not read_only:
                raise StoreError(
                    self.path,
                    "is read-only (read-only media, or a folder this user may not write in)",
                    "it can be read (sim export, sim store info) but not added to; choose "
                    "another with --store PATH",
                )
            return self._open_read_only(path)
        probe = _connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            found = layout.recognise(probe)  # before anything is written: it may not be ours
        finally:
            probe.close()
        db = _connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        if found < layout.CURRENT:
            layout.migrate(db)
        return db

    def _is_new(self, path: Path) -> bool:
        """Whether ``path`` is to be created; refuse what cannot be a store before SQLite sees it.

        A zero-byte file counts as new: SQLite writes nothing until a store's first transaction
        commits, so a store whose creation was interrupted is empty.
        """
        try:
            info = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            self._check_folder(path)
            return True
        if stat.S_ISDIR(info.st_mode):
            raise StoreError(
                self.path,
                "is a folder",
                f"give a file in it, e.g. --store {path / 'results.sqlite'}",
            )
        if not stat.S_ISREG(info.st_mode):
            # Opening a named pipe would wait for a writer forever; a device is nobody's store.
            raise StoreError(
                self.path,
                f"is {_special_kind(info.st_mode)}, not a file",
                "give a regular file with --store PATH (it is created if missing)",
            )
        if info.st_size == 0:
            return True
        with path.open("rb") as handle:
            start = handle.read(len(_SQLITE_MAGIC))
        if start != _SQLITE_MAGIC:
            raise StoreError(
                self.path,
                "is not an SQLite file, so not a results store; it was left unchanged",
                "choose another file with --store PATH (a new one is created)",
            )
        return False

    def _check_folder(self, path: Path) -> None:
        folder = next((p for p in path.parents if p.exists()), Path("."))
        if not folder.is_dir():
            raise StoreError(
                self.path,
                f"{folder} is a file, not a folder",
                "choose another place with --store PATH",
            )

    def _create(self, path: Path) -> sqlite3.Connection:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = _connect(str(path))
        layout.create(db)  # in the default rollback journal: a crash leaves an empty file
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def _open_read_only(self, path: Path) -> sqlite3.Connection:
        """Read a store that lies on read-only media (or in a folder this user may not write).

        SQLite opens a write-ahead-log database read-only only if it may create the log's
        index beside it, or if told the file cannot change (``immutable``), which is true of
        read-only media as long as no unmerged log lies beside it.
        """
        self.read_only = True
        uri = path.resolve().as_uri()
        db = _connect(f"{uri}?mode=ro", uri=True)
        try:
            found = layout.recognise(db)
        except sqlite3.OperationalError:
            db.close()
            log = Path(f"{path}-wal")
            if log.exists() and log.stat().st_size > 0:
                raise StoreError(
                    self.path,
                    f"lies on read-only media with writes not yet merged into it ({log.name})",
                    "copy the store and its -wal file to a writable place and read the copy",
                ) from None
            db = _connect(f"{uri}?mode=ro&immutable=1", uri=True)
            found = layout.recognise(db)
        if found < layout.CURRENT:
            raise StoreError(
                self.path,
                f"has the old store layout {found} and lies on read-only media, so it cannot be "
                "upgraded",
                "copy it to a writable place and read the copy (it is upgraded on opening)",
            )
        return db

    def explain(self, err: BaseException) -> StoreError:
        """An SQLite or file-system error in words: which store, what happened, what to do."""
        text = str(err)
        if isinstance(err, StoreError):
            return err
        if "readonly" in text or "read-only" in text or isinstance(err, PermissionError):
            hint = "the file or its folder is read-only; choose another with --store PATH"
        elif "disk" in text and "full" in text:
            hint = "free space on the disk or choose another place with --store PATH"
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
            hint = (
                "the store is damaged; move it aside and run again (its replications are "
                "computed afresh), or choose another with --store PATH"
            )
        else:
            hint = "choose another file with --store PATH"
        return StoreError(self.path, text, hint)

    def close(self) -> None:
        """Close the file."""
        self._closed = True
        self._db.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ------------------------------------------------------------------------------

    def register(self, scenario_hash: str, scenario: Scenario, version: str) -> None:
        """Record the resolved scenario behind a hash (once)."""
        document = scenario.model_dump_json(by_alias=True)
        self.write_many(
            "INSERT OR IGNORE INTO scenarios VALUES (?, ?, ?, ?, ?)",
            [(scenario_hash, scenario.name, document, version, time.time())],
        )

    def save(
        self, scenario_hash: str, seed: int, records: Iterable[Mapping[str, int | float | str]]
    ) -> None:
        """Store a batch of records of this model revision in one transaction (all or nothing)."""
        rows = []
        for record in records:
            replication = int(record["replication"])
            text = json.dumps(_standard(record), separators=(",", ":"), allow_nan=False)
            digest = checksum(scenario_hash, seed, MODEL_REVISION, replication, text)
            rows.append((scenario_hash, seed, replication, MODEL_REVISION, text, digest))
        self.write_many("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?)", rows)

    def save_observed(
        self,
        scenario_hash: str,
        seed: int,
        history: str,
        records: Iterable[Mapping[str, int | float | str]],
        observed_key: str,
    ) -> None:
        """Store a batch of observed records and what each bore out, in one transaction.

        Each record carries what it bore out of history ``history`` (a string of ``0`` and
        ``1``, one per observation) under ``observed_key``; the record goes to the records (as
        :meth:`save` writes them) and that string beside it, so neither is ever kept alone.
        """
        plain, seen = [], []
        for record in records:
            rest = {k: v for k, v in record.items() if k != observed_key}
            replication = int(rest["replication"])
            text = json.dumps(_standard(rest), separators=(",", ":"), allow_nan=False)
            digest = checksum(scenario_hash, seed, MODEL_REVISION, replication, text)
            plain.append((scenario_hash, seed, replication, MODEL_REVISION, text, digest))
            bits = str(record[observed_key])
            mark = checksum(scenario_hash, seed, MODEL_REVISION, replication, f"{history}:{bits}")
            seen.append((scenario_hash, seed, MODEL_REVISION, history, replication, bits, mark))
        self._write(
            [
                (OBSERVATIONS, None),
                ("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?)", plain),
                ("INSERT OR REPLACE INTO observations VALUES (?, ?, ?, ?, ?, ?, ?)", seen),
            ]
        )

    def write_many(self, sql: str, rows: Sequence[tuple[object, ...]]) -> None:
        """Run ``sql`` once per row, all in one transaction (all or nothing)."""
        self._write([(sql, rows)])

    def _write(self, statements: Sequence[tuple[str, Sequence[tuple[object, ...]] | None]]) -> None:
        """Run each statement once per row (once if its rows are None), in one transaction."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            for sql, rows in statements:
                if rows is None:
                    self._db.execute(sql)
                else:
                    self._db.executemany(sql, rows)
            self._db.execute("COMMIT")
        except sqlite3.Error as err:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise self.explain(err) from None

    # --- reading ------------------------------------------------------------------------------

    def done(self, scenario_hash: str, seed: int, below: int) -> set[int]:
        """Replications under ``below`` already stored for this scenario, seed and revision."""
        rows = self._read(
            "SELECT replication FROM records WHERE hash=? AND seed=? AND model=? AND replication<?",
            (scenario_hash, seed, MODEL_REVISION, below),
        )
        return {r[0] for r in rows}

    def has_observations(self) -> bool:
        """Whether the store has observed anything (its observations table exists)."""
        rows = self._read(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='observations'", ()
        )
        return any(True for _ in rows)

    def observed_done(self, scenario_hash: str, seed: int, history: str, below: int) -> set[int]:
        """Replications under ``below`` stored with what they bore out of ``history``."""
        if not self.has_observations():
            return set()
        rows = self._read(
            "SELECT o.replication FROM observations o JOIN records r ON r.hash=o.hash AND "
            "r.seed=o.seed AND r.model=o.model AND r.replication=o.replication WHERE o.hash=? "
            "AND o.seed=? AND o.model=? AND o.history=? AND o.replication<?",
            (scenario_hash, seed, MODEL_REVISION, history, below),
        )
        return {r[0] for r in rows}

    def observed(
        self, scenario_hash: str, seed: int, history: str, below: int
    ) -> Iterator[tuple[int, str]]:
        """(replication, what it bore out) for replications under ``below``, in order, checked.

        Raises:
            StoreError: a row fails its checksum or holds something else than 0s and 1s.
        """
        if not self.has_observations():
            return
        cursor = self._cursor(
            "SELECT replication, observed, checksum FROM observations WHERE hash=? AND seed=? "
            "AND model=? AND history=? AND replication<? ORDER BY replication",
            (scenario_hash, seed, MODEL_REVISION, history, below),
        )
        while rows := self._fetch(cursor, BATCH_ROWS):
            for replication, bits, digest in rows:
                problem = observed_problem(
                    scenario_hash, seed, MODEL_REVISION, replication, history, bits, digest
                )
                if problem:
                    raise self.bad_row(scenario_hash, seed, MODEL_REVISION, replication, problem)
                yield replication, bits

    def records(self, scenario_hash: str, seed: int, below: int | None = None) -> Iterator[Record]:
        """Stored records in replication order (all, or those under ``below``), each checked.

        Raises:
            StoreError: a row fails its checksum or the record's schema; the message names the
                row and what to do.
        """
        for batch in self.record_batches(scenario_hash, seed, below):
            yield from batch

    def record_batches(
        self, scenario_hash: str, seed: int, below: int | None = None, size: int = BATCH_ROWS
    ) -> Iterator[list[Record]]:
        """Stored records in replication order, ``size`` at a time, each checked."""
        limit = below if below is not None else 2**62
        cursor = self._cursor(
            "SELECT replication, record, checksum FROM records WHERE hash=? AND seed=? AND "
            "model=? AND replication<? ORDER BY replication",
            (scenario_hash, seed, MODEL_REVISION, limit),
        )
        while rows := self._fetch(cursor, size):
            yield [self._checked(scenario_hash, seed, MODEL_REVISION, *row) for row in rows]

    def _checked(
        self, scenario_hash: str, seed: int, model: str, replication: int, text: str, digest: str
    ) -> Record:
        """The record of one row, or a :class:`StoreError` naming the row and what to do."""
        found = read_row(scenario_hash, seed, model, replication, text, digest)
        if isinstance(found, str):
            raise self.bad_row(scenario_hash, seed, model, replication, found)
        return found

    def bad_row(
        self, scenario_hash: str, seed: int, model: str, replication: int, problem: str
    ) -> StoreError:
        """The error for a stored row that cannot be believed."""
        names = self._read("SELECT name FROM scenarios WHERE hash=?", (scenario_hash,))
        name = next((r[0] for r in names), "an unknown scenario")
        row = (
            f"the record of {name} (scenario {scenario_hash}), seed {seed}, replication "
            f"{replication}, model revision {model}"
        )
        return StoreError(
            self.path,
            f"{row} {problem}",
            f"delete every such row with 'sim store repair --store {self.path}' (the next run "
            "computes them again), or start a new store with --store PATH",
        )

    def other_revisions(self, scenario_hash: str, seed: int) -> dict[str, int]:
        """Replications of this scenario and seed stored by other model revisions, by revision."""
        rows = self._read(
            "SELECT model, COUNT(*) FROM records WHERE hash=? AND seed=? AND model<>? "
            "GROUP BY model ORDER BY model",
            (scenario_hash, seed, MODEL_REVISION),
        )
        return dict(rows)

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
        cursor = self._cursor(sql, args)
        while batch := self._fetch(cursor, 500):
            yield from batch

    def _cursor(self, sql: str, args: tuple[object, ...]) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, args)
        except sqlite3.Error as err:
            raise self.explain(err) from None

    def _fetch(self, cursor: sqlite3.Cursor, size: int) -> list[tuple[Any, ...]]:
        try:
            return cursor.fetchmany(size)
        except sqlite3.Error as err:
            raise self.explain(err) from None

    @property
    def connection(self) -> sqlite3.Connection:
        """The open SQLite connection (for :mod:`sim.experiments.store_admin`)."""
        return self._db


def read_row(
    scenario_hash: str, seed: int, model: str, replication: int, text: str, digest: str
) -> Record | str:
    """The record a stored row holds, or what is wrong with the row, in words."""
    if checksum(scenario_hash, seed, model, replication, text) != digest:
        return "fails its checksum (edited since written?)"
    try:
        record = json.loads(text)
    except ValueError:
        return "is not a JSON record"
    if isinstance(record, dict) and record.get("capture_day", 0) is None:
        record["capture_day"] = math.nan  # written as null: see _standard
    problem = record_problem(record, replication, model)
    return problem if problem else record


def observed_problem(
    scenario_hash: str,
    seed: int,
    model: str,
    replication: int,
    history: str,
    bits: str,
    digest: str,
) -> str | None:
    """What is wrong with a stored row of observations, in words (None: nothing)."""
    if checksum(scenario_hash, seed, model, replication, f"{history}:{bits}") != digest:
        return f"has observations (history {history}) that fail their checksum (edited?)"
    if not isinstance(bits, str) or not bits or set(bits) - {"0", "1"}:
        return f"has observations (history {history}) that are not a string of 0s and 1s"
    return None


def _standard(record: Mapping[str, int | float | str]) -> Mapping[str, int | float | str | None]:
    """The record with NaN (the day of capture of a run without one) as null.

    Standard JSON has no NaN: written as null, a stored record is readable by SQLite's own JSON
    functions and by any other tool. (Stores of layout 1 wrote NaN; both read back the same.)
    """
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in record.items()}


def _connect(target: str, uri: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), waiting 30 s for locks.

    ``uri``: ``target`` is an SQLite URI (``file:...?mode=ro``), built here from a resolved
    path; a path the user gave is never read as one.
    """
    return sqlite3.connect(target, timeout=30, isolation_level=None, uri=uri)


def _writable(path: Path) -> bool:
    """Whether this process may change ``path`` and create files beside it (the log)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"
