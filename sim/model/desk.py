"""An agency's analysts: a first-come-first-served line, advanced by arithmetic.

What happens to a dossier at a desk (DESIGN.md §2.3): it waits for the office to open, joins the
line, is taken by the first analyst to be free, and is triaged. The office's hours decide only when
a dossier may join the line; once in it, analysts work through the line as they free up.

Most dossiers are false tips that end at triage (forgotten or judged not credible). They cost only
analyst time, so the desk handles them without simulation events: they are given to it in advance
as a *bulk line* (arrival time, triage time and verdict of each, drawn by the noise sources), and
the desk works through them by arithmetic. A dossier that matters (a true tip, a copy passed on, a
false tip that will be believed) is :meth:`Desk.admit` ted when it arrives: the desk first serves
every bulk dossier that arrived before it, then gives it the analyst who frees first, and says when
its triage starts and ends. This is exactly the first-come-first-served law of a queue with
``staff`` servers: the n-th dossier to join the line starts at the later of its joining time and
the moment the earliest-free analyst finishes the dossiers before it (the Kiefer-Wolfowitz
recursion). Joining times are the arrival times pushed to the next opening, which never reorders
dossiers, so serving in order of arrival is serving in order of joining.

:meth:`Desk.close` ends the books at the end of the run: how many triages started, the hours spent
waiting (waits still running are counted up to the end), and what the bulk line's verdicts were for
the triages that ended in time.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from heapq import heapreplace

import numpy as np

from sim.core.clock import WorkingHours

FORGOT = 1  # a bulk verdict: the dossier was never passed on
DISMISSED = 2  # a bulk verdict: judged not credible


@dataclass(frozen=True)
class BulkLine:
    """False tips that end at this desk's triage, in order of arrival.

    Attributes:
        arrivals: model hours at which each reaches the desk (sorted).
        triage: the triage time of each (hours).
        verdicts: :data:`FORGOT` or :data:`DISMISSED` for each.
        sources: the index of the noise source of each (for the ledger).
        places: the commune each names, as an index into the scenario's places (for the ledger).
    """

    arrivals: np.ndarray
    triage: np.ndarray
    verdicts: np.ndarray
    sources: np.ndarray
    places: np.ndarray

    @classmethod
    def empty(cls) -> BulkLine:
        """No bulk dossiers (one line shared by every desk without any: it is never written to)."""
        return _NO_BULK

    def __len__(self) -> int:
        return len(self.arrivals)


_NOTHING = np.zeros(0)
_NO_PLACES = np.zeros(0, dtype=np.int32)
_NO_BULK = BulkLine(_NOTHING, _NOTHING, np.zeros(0, dtype=np.int8), _NO_PLACES, _NO_PLACES)


@dataclass(frozen=True)
class DeskBooks:
    """What a desk did by the end of the run.

    Attributes:
        triages: dossiers whose triage had started (counted ones only: not warrants).
        dossiers: dossiers that had reached the desk (started, or still waiting).
        wait_hours: hours dossiers waited for the office and an analyst (waits still running at
            the end are counted up to the end).
        forgotten: bulk dossiers forgotten by then.
        dismissed: bulk dossiers judged not credible by then.
        bulk_arrived: bulk dossiers that had arrived by then.
    """

    triages: int
    dossiers: int
    wait_hours: float
    forgotten: int
    dismissed: int
    bulk_arrived: int


class Desk:
    """``staff`` analysts working through one line, first come, first served.

    Args:
        staff: number of analysts (>= 1).
        hours: when the office lets dossiers join the line (None: around the clock).
        bulk: the false tips that end at triage here (their arrival order is the line's).
    """

    __slots__ = (
        "_admitted",
        "_arrivals",
        "_bulk",
        "_free",
        "_hours",
        "_next",
        "_ready",
        "_starts",
        "_triage",
        "staff",
    )

    def __init__(
        self, staff: int, hours: WorkingHours | None, bulk: BulkLine | None = None
    ) -> None:
        if staff < 1:
            raise ValueError(f"a desk needs at least one analyst, got {staff}")
        self.staff = staff
        self._hours = hours
        self._free = [0.0] * staff  # a heap: when each analyst is next free
        self._bulk = bulk if bulk is not None else BulkLine.empty()
        arrivals = self._bulk.arrivals
        self._arrivals: list[float] = arrivals.tolist()
        if hours is not None and self._arrivals:
            self._ready: list[float] = (arrivals + hours.waits(arrivals)).tolist()
        else:
            self._ready = self._arrivals
        self._triage: list[float] = self._bulk.triage.tolist()
        self._starts: list[float] = []  # when each bulk dossier served so far started
        self._next = 0  # the first bulk dossier not yet served
        self._admitted: list[tuple[float, float]] = []  # (arrival, start) of counted admissions

    def joins(self, t: float) -> float:
        """When a dossier arriving at ``t`` may join the line (the next opening)."""
        return t if self._hours is None else t + self._hours.wait(t)

    def admit(self, t: float, triage: float, counted: bool = True) -> tuple[float, float]:
        """A dossier arrives at ``t`` and takes ``triage`` hours of an analyst's time.

        Args:
            t: its arrival (now).
            triage: how long its analyst is busy with it.
            counted: False for work that is not a tip's triage (a warrant to sign): it takes an
                analyst but is not counted among triages and waits.

        Returns:
            When its triage starts and when it ends.
        """
        self._serve_bulk(t)
        free = self._free
        joined = self.joins(t)
        start = joined if joined > free[0] else free[0]
        heapreplace(free, start + triage)
        if counted:
            self._admitted.append((t, start))
        return start, start + triage

    def hold(self, t: float, busy: Callable[[float], float]) -> float:
        """Work that arrives at ``t`` and keeps one of the staff ``busy(start)`` hours.

        For work whose length depends on when it starts (a search team's night: preparation,
        then the wait for the end of the night ban, then the search). Not counted as a triage.

        Returns:
            When the work starts.
        """
        self._serve_bulk(t)
        free = self._free
        joined = self.joins(t)
        start = joined if joined > free[0] else free[0]
        heapreplace(free, start + busy(start))
        return start

    def _serve_bulk(self, t: float) -> None:
        """Give an analyst to every bulk dossier that arrived before ``t``, in order."""
        i = self._next
        arrivals = self._arrivals
        if i >= len(arrivals) or arrivals[i] >= t:
            return
        end = bisect_left(arrivals, t, i)
        ready, triage, starts, free = self._ready, self._triage, self._starts, self._free
        if self.staff == 1:  # one analyst: the line is a single running clock (Lindley)
            clock = free[0]
            for j in range(i, end):
                joined = ready[j]
                start = joined if joined > clock else clock
                clock = start + triage[j]
                starts.append(start)
            free[0] = clock
        else:
            for j in range(i, end):
                joined = ready[j]
                start = joined if joined > free[0] else free[0]
                heapreplace(free, start + triage[j])
                starts.append(start)
        self._next = end

    def close(self, end: float) -> DeskBooks:
        """The books at model hour ``end`` (the capture or the horizon)."""
        self._serve_bulk(end)
        served = self._next
        if not served:  # no bulk dossier: the admitted ones alone (no arrays to build)
            waits, triages, dossiers = self._tally_admitted(end, 0.0, 0, 0)
            return DeskBooks(triages, dossiers, waits, 0, 0, 0)
        bulk = self._bulk
        arrivals = bulk.arrivals[:served]
        starts = np.array(self._starts)
        finished = starts + bulk.triage[:served] <= end
        verdicts = bulk.verdicts[:served]
        waits = float((np.minimum(starts, end) - arrivals).sum())
        triages = int(np.count_nonzero(starts <= end))
        waits, triages, dossiers = self._tally_admitted(end, waits, triages, served)
        return DeskBooks(
            triages=triages,
            dossiers=dossiers,
            wait_hours=waits,
            forgotten=int(np.count_nonzero(finished & (verdicts == FORGOT))),
            dismissed=int(np.count_nonzero(finished & (verdicts == DISMISSED))),
            bulk_arrived=served,
        )

    def _tally_admitted(
        self, end: float, waits: float, triages: int, dossiers: int
    ) -> tuple[float, int, int]:
        """(waits, triages, dossiers) with the admitted dossiers added to the given ones."""
        for arrived, start in self._admitted:
            if arrived <= end:  # a dossier that arrived at the capture instant was seen
                waits += min(start, end) - arrived
                triages += start <= end
                dossiers += 1
        return waits, triages, dossiers

    def bulk_served(self) -> tuple[BulkLine, np.ndarray]:
        """The bulk dossiers served so far and when each started (for the ledger)."""
        return self._bulk, np.array(self._starts)
