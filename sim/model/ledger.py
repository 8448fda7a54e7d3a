"""The ledger of one replication: every step of every tip, move and raid, with its time.

Off by default (a replication in a batch of thousands keeps only counters); ``sim trace`` turns
it on to tell one replication's story. Each row says which record counters it added one to
(``counts``), so the trace recounts the record from its rows without reading any text.
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
        detail: free text for readers (a destination, a reason); never parsed.
        counts: the record counters this row added one to.
    """

    time_h: float
    event: str
    tip_id: int
    root_id: int
    agency: str
    place: str
    detail: str
    counts: tuple[str, ...] = ()
