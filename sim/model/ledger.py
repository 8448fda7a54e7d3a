"""The ledger of one replication: every step of every tip, move and raid, with its time.

Off by default (a replication in a batch of thousands keeps only counters); ``sim trace`` turns
it on to tell one replication's story. Rows are plain tuples so that recording costs one append.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    """One line of the ledger.

    Attributes:
        time_h: model hours since the start.
        event: what happened (``created``, ``sent``, ``lost``, ``arrived``, ``raid``...).
        tip_id: the tip copy concerned (-1 for the fugitive's own moves).
        root_id: the original tip (-1 when none).
        agency: the agency where it happened ("" when none).
        place: the commune concerned ("" when none).
        detail: free text (a fate, a destination, a reason).
    """

    time_h: float
    event: str
    tip_id: int
    root_id: int
    agency: str
    place: str
    detail: str


class Ledger:
    """An append-only list of :class:`Entry` rows."""

    __slots__ = ("entries",)

    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def log(
        self,
        time_h: float,
        event: str,
        tip_id: int = -1,
        root_id: int = -1,
        agency: str = "",
        place: str = "",
        detail: str = "",
    ) -> None:
        """Append one row."""
        self.entries.append(Entry(time_h, event, tip_id, root_id, agency, place, detail))

    def __bool__(self) -> bool:
        return True


class NullLedger(Ledger):
    """A ledger that keeps nothing (the default in batch runs)."""

    __slots__ = ()

    def log(self, *args: object, **kwargs: object) -> None:
        """Keep nothing."""

    def __bool__(self) -> bool:
        return False
