"""Experiments: replications of one or more scenarios, stored, resumable, to a target precision.

An :class:`Experiment` holds the scenarios being compared, the master seed, the results store and an
executor. :meth:`Experiment.ensure` makes sure replications 0..n-1 of every scenario are in the
store (computing only the missing ones, in batches, saving each batch as it finishes);
:meth:`Experiment.tallies` folds the stored records of each scenario, in replication order, into a
:class:`~sim.experiments.summary.Tally`. Replication *r* uses the same named random streams in every
scenario, so two scenarios' tallies are paired replication by replication (common random numbers).

Stopping (Ctrl-C, SIGTERM, lost workers) raises :class:`InterruptedRun` after the finished
batches are saved; running the same command again computes only what is missing and ends with
exactly the numbers an uninterrupted run gives.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from sim.experiments.executors import Batch, Executor, SerialExecutor, WorkersLost
from sim.experiments.frames import RecordArm, RecordSource
from sim.experiments.observing import OBSERVED, Observer
from sim.experiments.preflight import replication_seconds
from sim.experiments.store import ResultsStore, StoreError
from sim.experiments.summary import Summary, Tally
from sim.model.record import Record
from sim.scenario import Scenario, scenario_hash

#: Expected seconds of work in one batch at most: a stop (Ctrl-C) waits for the running batches.
BATCH_SECONDS = 5.0

Progress = Callable[[int, int], None]
"""Called with (replications done, replications wanted) as work finishes."""

Preflight = Callable[[Sequence[tuple[Scenario, int]], int], None]
"""Called before work starts with each scenario's replications still to run and the executor's
number of workers; it may raise to stop the run before it starts (``sim.experiments.preflight``)."""


class InterruptedRun(Exception):  # noqa: N818 (a stop, not an error)
    """The run was stopped; everything finished is saved in the store.

    Attributes:
        saved: replications in the store.
        wanted: replications the run asked for.
        store: the store's path.
        cause: why the workers went away (None: the user stopped the run).
    """

    def __init__(self, saved: int, wanted: int, store: str, cause: str | None = None) -> None:
        stopped = f"stopped with {saved} of {wanted} replications saved in {store}"
        super().__init__(f"{cause}; {stopped}" if cause else stopped)
        self.saved = saved
        self.wanted = wanted
        self.store = store
        self.cause = cause


@dataclass(frozen=True)
class Arm:
    """One scenario of an experiment."""

    label: str
    scenario: Scenario
    key: str


@dataclass(frozen=True)
class PrecisionOutcome:
    """Whether a run with a precision target reached it.

    Attributes:
        target: the half-width asked for.
        half_width: the half-width reached.
        runs: replications run (per scenario).
        max_runs: the most that were allowed.
    """

    target: float
    half_width: float
    runs: int
    max_runs: int

    @property
    def reached(self) -> bool:
        """True when the half-width is at most the target."""
        return self.half_width <= self.target

    @property
    def runs_needed(self) -> int:
        """About how many replications the target needs (half-widths shrink as 1/sqrt(n))."""
        return max(self.runs, math.ceil(self.runs * (self.half_width / self.target) ** 2))

    def sentence(self, of: str) -> str:
        """The outcome in one sentence, ``of`` naming the interval (e.g. "the capture rate")."""
        if self.reached:
            return (
                f"precision reached: the 95 % interval of {of} is ±{self.half_width:.4f} "
                f"after {self.runs:,} runs (target ±{self.target:g})"
            )
        return (
            f"precision NOT reached: the 95 % interval of {of} is ±{self.half_width:.4f} "
            f"after {self.runs:,} runs, the --max-runs limit (target ±{self.target:g}); about "
            f"{self.runs_needed:,} runs would reach it"
        )


def next_runs(runs: int, half_width: float, target: float, max_runs: int) -> int:
    """The next round's replications when ``runs`` gave ``half_width`` above ``target``.

    Aimed at the number the 1/sqrt(n) law calls for, without a margin (the run stops at the
    first round that meets the target, so it never runs far past it), but at least a few more
    and at most four times as many (a small first round's half-width is itself uncertain).
    """
    wanted = math.ceil(runs * (half_width / target) ** 2)
    least = runs + max(10, runs // 50)
    return min(max_runs, max(least, min(wanted, 4 * runs)))


class Experiment:
    """Replications of some scenarios under one master seed.

    Args:
        scenarios: the scenarios (their labels are their names, made unique).
        seed: the master seed (>= 0).
        store: where records are kept (a throwaway in-memory store if None).
        executor: where replications run (this process if None).
        progress: called as replications finish.
        version: the package version recorded beside each scenario.
        labels: names for the scenarios in tables (default: their names, made unique).
        preflight: told what is about to run each time work starts (it may refuse it).
        observer: read every replication for a history's observations too, and keep what
            each bore out in the store beside its record (:meth:`observed`).
    """

    def __init__(
        self,
        scenarios: Sequence[Scenario],
        seed: int,
        store: ResultsStore | None = None,
        executor: Executor | None = None,
        progress: Progress | None = None,
        version: str = "",
        labels: Sequence[str] | None = None,
        preflight: Preflight | None = None,
        observer: Observer | None = None,
    ) -> None:
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        self.seed = seed
        self.store = store if store is not None else ResultsStore(":memory:")
        self.executor = executor if executor is not None else SerialExecutor()
        self.progress = progress
        self.preflight = preflight
        self.observer = observer
        self.arms = _arms(scenarios, labels)
        #: Whether the last :meth:`run` with a precision target reached it (None: no target).
        self.outcome: PrecisionOutcome | None = None
        for arm in self.arms:
            self.store.register(arm.key, arm.scenario, version)

    def ensure(self, runs: int) -> None:
        """Make replications 0..runs-1 of every scenario available in the store."""
        # Only the replications already stored are held: what is missing is counted and then
        # walked lazily, so that --runs 10000000 costs no memory before it starts.
        missing = {arm.key: _Missing(self._done(arm.key, runs), runs) for arm in self.arms}
        wanted = runs * len(missing)
        done = wanted - sum(m.count for m in missing.values())
        if self.progress:
            self.progress(done, wanted)
        if done == wanted:
            return
        if self.preflight:
            scenarios = {arm.key: arm.scenario for arm in self.arms}
            todo = [(scenarios[key], m.count) for key, m in missing.items() if m.count]
            self.preflight(todo, self.executor.jobs)
        try:
            for batch, records in self.executor.run(self._batches(missing)):
                try:
                    self._save(batch, records)
                except StoreError as err:  # a full disk: say how much is safe, then stop
                    self.executor.close()
                    raise err.with_saved(done, wanted) from None
                done += len(records)
                if self.progress:
                    self.progress(done, wanted)
        except KeyboardInterrupt:
            self.executor.close()
            raise InterruptedRun(done, wanted, self.store.path) from None
        except WorkersLost as lost:
            raise InterruptedRun(done, wanted, self.store.path, str(lost)) from lost

    def _done(self, key: str, runs: int) -> set[int]:
        if self.observer is None:
            return self.store.done(key, self.seed, runs)
        return self.store.observed_done(key, self.seed, self.observer.key, runs)

    def _save(self, batch: Batch, records: list[Record]) -> None:
        if batch.observer is None:
            self.store.save(batch.key, batch.seed, records)
        else:
            self.store.save_observed(batch.key, batch.seed, batch.observer.key, records, OBSERVED)

    def _batches(self, missing: dict[str, _Missing]) -> Iterator[Batch]:
        total = sum(m.count for m in missing.values())
        size = max(1, min(100, math.ceil(total / (4 * max(self.executor.jobs, 1)))))
        scenarios = {arm.key: arm.scenario for arm in self.arms}
        for key, replications in missing.items():
            # Slow replications travel in smaller batches: a stop waits for the batches running.
            expected = replication_seconds(scenarios[key])
            most = max(1, min(size, math.floor(BATCH_SECONDS / expected)))
            todo = iter(replications)
            while chunk := tuple(itertools.islice(todo, most)):
                yield Batch(key, scenarios[key], self.seed, chunk, self.observer)

    def tallies(self, runs: int) -> list[Tally]:
        """One tally per scenario over replications 0..runs-1 (call :meth:`ensure` first)."""
        out = []
        for arm in self.arms:
            tally = Tally(arm.label, arm.key, self.seed, arm.scenario.horizon / 24)
            for record in self.store.records(arm.key, self.seed, below=runs):
                tally.add(record)
            if tally.runs != runs:
                raise RuntimeError(f"{arm.label}: {tally.runs} of {runs} replications in the store")
            out.append(tally)
        return out

    def run(
        self,
        runs: int,
        precision: float | None = None,
        max_runs: int = 100_000,
        half_width: Callable[[list[Tally]], float] | None = None,
    ) -> list[Tally]:
        """Run ``runs`` replications, then more until ``half_width`` <= ``precision``.

        With a precision target the replications grow in rounds aimed at the number the last
        round's half-width calls for (half-widths shrink as 1/sqrt(n)), at most four times the
        last round, and the run stops at the first round that meets the target (or at
        ``max_runs``); :attr:`outcome` then says which.

        Args:
            runs: replications to start with (all of them without a precision target).
            precision: the target half-width of the 95 % interval that matters (None: none).
            max_runs: never more replications than this per scenario.
            half_width: measures the current half-width from the tallies.

        Returns:
            The tallies of the final number of replications.
        """
        n = runs
        while True:
            self.ensure(n)
            tallies = self.tallies(n)
            if precision is None or half_width is None:
                return tallies
            width = half_width(tallies)
            if width <= precision or n >= max_runs:
                self.outcome = PrecisionOutcome(precision, width, n, max_runs)
                return tallies
            n = next_runs(n, width, precision, max_runs)

    def observed(self, runs: int) -> list[np.ndarray]:
        """Per scenario, what replications 0..runs-1 bore out: runs x observations, 0 or 1.

        Call :meth:`ensure` first (with an ``observer``).
        """
        if self.observer is None:
            raise ValueError("this experiment reads no observations (give it an observer)")
        width = len(self.observer.observations)
        out = []
        for arm in self.arms:
            seen = np.zeros((runs, width), dtype=np.uint8)
            count = 0
            for replication, bits in self.store.observed(
                arm.key, self.seed, self.observer.key, runs
            ):
                if len(bits) != width:
                    raise RuntimeError(f"{arm.label}: replication {replication} observed {bits!r}")
                seen[replication] = np.frombuffer(bits.encode("ascii"), np.uint8) - ord("0")
                count += 1
            if count != runs:
                raise RuntimeError(f"{arm.label}: {count} of {runs} observed replications stored")
            out.append(seen)
        return out

    def record_source(
        self, runs: int, columns: Sequence[tuple[tuple[str, object], ...]] = ()
    ) -> RecordSource:
        """Where replications 0..runs-1 of every scenario are, each arm led by its columns.

        Args:
            runs: the replications of each scenario.
            columns: per scenario, the (name, value) columns that lead its records after
                ``scenario`` (a sweep's parameters...); none by default.
        """
        arms = tuple(
            RecordArm(arm.key, (("scenario", arm.label), *(columns[i] if columns else ())))
            for i, arm in enumerate(self.arms)
        )
        return RecordSource(self.store.path, arms, self.seed, runs, live=self.store)

    def summaries(self, tallies: Sequence[Tally]) -> list[Summary]:
        """The summary of each tally, each able to read back its own records."""
        out = []
        for i, tally in enumerate(tallies):
            arm = self.arms[i]
            source = RecordSource(
                self.store.path,
                (RecordArm(arm.key, (("scenario", arm.label),)),),
                self.seed,
                tally.runs,
                live=self.store,
            )
            out.append(replace(tally.summary(), source=source))
        return out

    def close(self) -> None:
        """Release the executor."""
        self.executor.close()


@dataclass(frozen=True)
class _Missing:
    """The replications 0..runs-1 of one scenario that are not in the store yet, in order."""

    done: set[int]
    runs: int

    @property
    def count(self) -> int:
        """How many are missing."""
        return self.runs - len(self.done)

    def __iter__(self) -> Iterator[int]:
        return (r for r in range(self.runs) if r not in self.done)


def _arms(scenarios: Sequence[Scenario], labels: Sequence[str] | None) -> list[Arm]:
    arms: list[Arm] = []
    seen: dict[str, int] = {}
    for i, scenario in enumerate(scenarios):
        label = labels[i] if labels else scenario.name
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} ({seen[label]})"
        arms.append(Arm(label, scenario, scenario_hash(scenario)))
    return arms
