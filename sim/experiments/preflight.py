"""Before a run starts: how many replications it will compute and about how long they will take.

A valid scenario can still ask for days of work: a noise rate under the documented limit, a
mesh of channels that copies every tip a hundred times, ``--runs 10000000``. The estimate here is
made from the scenario alone (:func:`sim.scenario.workload.expected_work`: tips, triages, copies
and moves of one replication), priced at what each costs in CPU time, times the replications still
missing from the store, divided among the workers. A command shows it in one line when the run is
long and refuses a run above :data:`CEILING_HOURS` unless the user confirms (``--yes``).

The prices were measured on the project's 2-core machine with model revision 4 by
``tools/measure_prices.py`` (sixteen scenarios from the minimal one to 3,000 false tips a day;
the estimate came within 0.8 to 1.4 times the measured CPU time in each). Revision 4 triages
false tips that lead nowhere by arithmetic, so a triage is cheap and a copy that travels is
dear. A faster machine runs sooner than said; a model revision that changes what a tip costs
needs them measured again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sim.scenario import Scenario
from sim.scenario.workload import expected_work

#: CPU seconds every replication costs whatever it holds (streams, agencies, the record).
SECONDS_PER_REPLICATION = 0.6e-3
#: CPU seconds per tip created (its draws, its place and name).
SECONDS_PER_TIP = 1e-6
#: CPU seconds per arrival of a copy at an agency (office hours, queue, triage: mostly arithmetic).
SECONDS_PER_TRIAGE = 1e-6
#: CPU seconds per copy passed along a channel, a database alert or an escalation call (a process).
SECONDS_PER_COPY = 18e-6
#: CPU seconds per move of the fugitive (every place-tied source recomputes its rate).
SECONDS_PER_MOVE = 40e-6

#: A command expected to run longer than this (on its workers) asks for ``--yes`` first.
CEILING_HOURS = 1.0

#: A command expected to run at least this long says so before it starts.
SHOWN_FROM_SECONDS = 30.0


def replication_seconds(scenario: Scenario) -> float:
    """Expected CPU seconds of one replication of ``scenario``, from its expected work."""
    work = expected_work(scenario)
    return (
        SECONDS_PER_REPLICATION
        + SECONDS_PER_TIP * work.tips
        + SECONDS_PER_TRIAGE * work.triages
        + SECONDS_PER_COPY * work.copies
        + SECONDS_PER_MOVE * work.moves
    )


@dataclass(frozen=True)
class Estimate:
    """The work a run is about to start.

    Attributes:
        replications: replications still to compute (those in the store are not counted).
        cpu_seconds: their expected CPU time, all together.
        jobs: the workers sharing them.
    """

    replications: int
    cpu_seconds: float
    jobs: int

    @property
    def seconds(self) -> float:
        """Expected time until they are all done, the workers sharing the work evenly."""
        return self.cpu_seconds / max(self.jobs, 1)

    @property
    def over_ceiling(self) -> bool:
        """True when the run is expected to take longer than :data:`CEILING_HOURS`."""
        return self.seconds > CEILING_HOURS * 3600

    def describe(self, more: bool = False) -> str:
        """The estimate in words: "2,000 replications to run, about 1.5 minutes on 2 workers".

        Args:
            more: the run is being extended (a precision target): "2,000 more replications".
        """
        workers = f"{self.jobs} worker{'s' if self.jobs != 1 else ''}"
        what = f"{'more ' if more else ''}replication{'s' if self.replications != 1 else ''}"
        return f"{self.replications:,} {what} to run, about {duration(self.seconds)} on {workers}"


def estimate(todo: Sequence[tuple[Scenario, int]], jobs: int) -> Estimate:
    """Estimate the work of ``todo``: (scenario, replications still to run) pairs, on ``jobs``."""
    priced: dict[int, float] = {}  # scenarios compared side by side are often the same object
    cpu = 0.0
    for scenario, count in todo:
        if id(scenario) not in priced:
            priced[id(scenario)] = replication_seconds(scenario)
        cpu += priced[id(scenario)] * count
    return Estimate(sum(count for _, count in todo), cpu, jobs)


def duration(seconds: float) -> str:
    """A duration for people: "40 seconds", "1.5 minutes", "5.2 hours", "3.1 days"."""
    for unit, size in (("days", 86400.0), ("hours", 3600.0), ("minutes", 60.0)):
        if seconds >= 2 * size:
            return f"{seconds / size:,.1f} {unit}"
    if seconds >= 60:
        return f"{seconds / 60:.1f} minutes"
    whole = max(1, round(seconds))
    return f"{whole} second{'s' if whole != 1 else ''}"
