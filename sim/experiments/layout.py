"""The results store's file layout: how a store is recognised, created and migrated.

A results store is an SQLite file that says what it is: its header carries this program's
**application id** and its **layout version** (``PRAGMA application_id`` / ``user_version``). A
file is opened as a store only if it carries them, or if it is a store of layout 1 (the layout
before either was written, recognised by its two tables and their columns). Any other SQLite
file belongs to another program: it is refused and left exactly as it was (no table added, its
journal untouched). A store of a newer layout than this version knows is refused too, rather
than misread.

Layouts (the store's shape, not the model's numbers: records of every model revision live side
by side in every layout):

1. ``scenarios`` (hash, name, document, version, created) and ``records`` (hash, seed,
   replication, model, record as JSON) keyed by (hash, seed, replication): a record of one model
   revision replaced the record of another.
2. ``records`` keyed by (hash, seed, model, replication), so revisions never overwrite each other,
   with a ``checksum`` over the key and the record; a ``meta`` table (what was migrated when).
   A store of layout 2 may also hold ``observations`` (what a replay's replications bore out of a
   history file, keyed like the records plus the history's hash; ``sim calibrate``), created
   when first written (:data:`sim.experiments.store.OBSERVATIONS`): an addition, not a new
   layout, since a version that does not know the table reads the records as before.

Migrations run in one transaction: a store is either wholly of the old layout or wholly of the new.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from sim.experiments.record_check import checksum

#: "bsim" in ASCII: the application id in the header of every results store since layout 2.
APPLICATION_ID = 0x6273696D
#: The layout this version writes.
CURRENT = 2

_SCENARIOS = """
CREATE TABLE scenarios (
    hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    version TEXT NOT NULL,
    created REAL NOT NULL
)"""

_RECORDS = """
CREATE TABLE {name} (
    hash TEXT NOT NULL,
    seed INTEGER NOT NULL,
    replication INTEGER NOT NULL,
    model TEXT NOT NULL,
    record TEXT NOT NULL,
    checksum TEXT NOT NULL,
    PRIMARY KEY (hash, seed, model, replication)
)"""

_META = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"

#: Tables and columns of a layout-1 store (it had no application id to say so).
LAYOUT_1 = {
    "scenarios": ("hash", "name", "document", "version", "created"),
    "records": ("hash", "seed", "replication", "model", "record"),
}


class NotAStore(Exception):  # noqa: N818 (a verdict on a file, said to the user)
    """The file is an SQLite database, but not a results store (or not one this version reads)."""


def tables(db: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    """Every table of the database with its column names."""
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {
        name: tuple(r[1] for r in db.execute(f"PRAGMA table_info({_quoted(name)})"))
        for name in names
    }


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def recognise(db: sqlite3.Connection) -> int:
    """The layout of the store ``db`` holds.

    Raises:
        NotAStore: another program's database, or a store of a newer layout; the message says
            which, in words.
    """
    application = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if application == APPLICATION_ID:
        if version > CURRENT:
            raise NotAStore(
                f"it was written by a newer version of brussels-sim (store layout {version}; "
                f"this version reads layouts 1 to {CURRENT}); upgrade brussels-sim to read it, "
                "or choose another store with --store PATH"
            )
        if version < 2:
            raise NotAStore(f"its header says store layout {version}, which never existed")
        return int(version)
    found = tables(db)
    if application == 0 and version == 0 and found == LAYOUT_1:
        return 1
    what = ", ".join(sorted(found)) if found else "no tables"
    owner = f"application id {application:#x}" if application else "no application id"
    raise NotAStore(
        f"an SQLite database of another program ({owner}; {what}), not a results store; it was "
        "left unchanged; choose another file with --store PATH (a new one is created)"
    )


def create(db: sqlite3.Connection) -> None:
    """Lay out an empty database as a results store of the current layout (one transaction)."""
    _transaction(db, lambda: _create_tables(db))


def _create_tables(db: sqlite3.Connection) -> None:
    db.execute(_SCENARIOS)
    db.execute(_RECORDS.format(name="records"))
    db.execute(_META)
    db.execute("INSERT INTO meta VALUES ('created', ?)", (_now(),))
    _stamp(db)


def _stamp(db: sqlite3.Connection) -> None:
    # PRAGMAs take no parameters; both values are this module's integer constants.
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {CURRENT}")


def migrate(db: sqlite3.Connection) -> int:
    """Bring the store to the current layout (one transaction); return the layout it had.

    The layout is read again under the write lock: another process may have migrated the store
    between opening and locking it.
    """
    found: list[int] = []

    def steps() -> None:
        layout = recognise(db)
        found.append(layout)
        for step in range(layout, CURRENT):
            MIGRATIONS[step](db)
        if layout < CURRENT:
            _stamp(db)

    _transaction(db, steps)
    return found[0]


def _from_1(db: sqlite3.Connection) -> None:
    """Layout 1 to 2: records keyed by model revision too, each with its checksum."""
    db.create_function("store_checksum", 5, checksum, deterministic=True)
    db.execute(_RECORDS.format(name="records_2"))
    db.execute(
        "INSERT INTO records_2 SELECT hash, seed, replication, model, record, "
        "store_checksum(hash, seed, model, replication, record) FROM records"
    )
    db.execute("DROP TABLE records")
    db.execute("ALTER TABLE records_2 RENAME TO records")
    db.execute(_META)
    db.execute("INSERT INTO meta VALUES ('migrated from layout 1', ?)", (_now(),))


#: Migration from each layout to the next.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _from_1}


def _transaction(db: sqlite3.Connection, work: Callable[[], None]) -> None:
    db.execute("BEGIN IMMEDIATE")
    try:
        work()
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
