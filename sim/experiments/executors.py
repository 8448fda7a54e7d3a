"""Where replications run: in this process, in a local process pool, or on a Dask cluster.

Work travels in **batches** (a scenario, a seed and a list of replication indices) so that the cost
of sending a scenario and collecting records is spread over many replications. Each replication's
record depends only on (scenario, seed, replication), so the executor changes nothing in the
numbers: the records of a batch are identical whichever executor ran it, and a batch that is run
twice (a Dask worker died and its task was retried) gives the same records again, which the store
keeps once.

Every executor yields finished batches as they complete; stopping early (Ctrl-C) cancels what has
not started. When the workers themselves go away (a local worker process killed, the Dask scheduler
lost), the executor raises :class:`WorkersLost`: the batches already yielded are safe in the store.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.core.collector import collector_paused
from sim.experiments.capacity import capacity, cores
from sim.experiments.observing import Observer
from sim.experiments.workers import start_worker
from sim.model.record import Record
from sim.model.replication import run_replication
from sim.scenario import Scenario

if TYPE_CHECKING:
    from distributed import Client  # the optional extra ``dask``: imported when used


#: Seconds a Dask run waits for a worker to join a cluster that has none, before it gives up.
NO_WORKER_PATIENCE = 120.0

#: Seconds between looks at a Dask cluster while no batch finishes.
POLL_SECONDS = 2.0


class WorkersLost(RuntimeError):  # noqa: N818 (an event, named as the user meets it)
    """The workers went away mid-run: a worker process was killed, or the Dask scheduler is gone.

    Not a bug in the model and not bad input: the run can be finished later from the store.
    """


@dataclass(frozen=True)
class Batch:
    """A unit of work: some replications of one scenario with one seed.

    With an ``observer``, each replication is also read for a history's observations; its
    record then carries what it bore out (:data:`sim.experiments.observing.OBSERVED`).
    """

    key: str  # the scenario's content hash
    scenario: Scenario
    seed: int
    replications: tuple[int, ...]
    observer: Observer | None = None


def run_batch(batch: Batch) -> tuple[Batch, list[Record]]:
    """Run the replications of a batch (in whatever process this is)."""
    if batch.observer is not None:
        observe = batch.observer.observe
        observed = []
        for r in batch.replications:
            with collector_paused():
                observed.append(observe(batch.scenario, batch.seed, r))
        return batch, observed
    return batch, [run_replication(batch.scenario, batch.seed, r) for r in batch.replications]


def _warm(scenario: Scenario, pause: float) -> int:
    """A worker's first replication (imports, caches), then a pause so each worker takes one."""
    run_replication(scenario, 0, 0)
    time.sleep(pause)
    return os.getpid()


def default_jobs() -> int:
    """All the cores this process may use (CPU affinity and a container's quota counted)."""
    return cores()


class SerialExecutor:
    """Runs batches one after another in this process."""

    jobs = 1

    def run(self, batches: Iterable[Batch]) -> Iterator[tuple[Batch, list[Record]]]:
        """Yield each batch with its records."""
        for batch in batches:
            yield run_batch(batch)

    def close(self) -> None:
        """Nothing to release."""


def start_method() -> str:
    """How a local pool starts its workers here: ``fork`` where that is safe, else ``spawn``.

    A forked worker starts in milliseconds with everything the command has imported; a spawned
    one starts a fresh interpreter and imports the model again (about a second on the project's
    machine, paid by every run). Forking is safe only on Linux (macOS's system libraries are not
    fork-safe, and Windows has no fork) and only while this process runs a single thread: a
    thread holding a lock at the moment of the fork (a progress bar's, a Dask client's) would
    leave that lock held forever in the worker. Otherwise workers are spawned. Threads Python
    did not start are not counted: numpy's OpenBLAS pool stops its threads before a fork (it
    registers a ``pthread_atfork`` handler), which is why Python 3.12 and later may still warn,
    in a DeprecationWarning hidden by default, that the process was multi-threaded.
    """
    if (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    ):
        return "fork"
    return "spawn"


class ProcessExecutor:
    """A local pool of worker processes, forked where that is safe, else spawned.

    The workers die with this process however it ends (kill -9 included) and never hold its
    standard streams (:mod:`sim.experiments.workers`). Forked workers are started at once, while
    this process still has one thread (a progress bar started afterwards runs a thread of its
    own); spawned ones start with the first batches.

    Args:
        jobs: worker processes.
        method: ``"fork"`` or ``"spawn"``; default :func:`start_method`.
    """

    def __init__(self, jobs: int, method: str | None = None) -> None:
        self.jobs = jobs
        self.method = method or start_method()
        context = multiprocessing.get_context(self.method)
        # The pool starts its workers from the thread that submits work: this one, in a command.
        on_main_thread = threading.current_thread() is threading.main_thread()
        self._pool = ProcessPoolExecutor(
            jobs,
            mp_context=context,
            initializer=start_worker,
            initargs=(os.getpid(), on_main_thread),
        )
        if self.method == "fork":
            # A forking pool forks all its workers at its first task, before its own threads
            # start: a task now forks them while this process has only this thread.
            self._pool.submit(os.getpid)

    def warm(self, scenario: Scenario, pause: float = 0.5) -> int:
        """Start every worker and run one replication of ``scenario`` on each; return how many.

        A pool starts its workers at the first batches, and each worker's first replication
        pays its imports and caches: this pays them now (``sim bench`` times a warm pool apart).
        """
        futures = [self._pool.submit(_warm, scenario, pause) for _ in range(self.jobs)]
        try:
            return len({future.result() for future in futures})
        except BrokenProcessPool as err:
            raise WorkersLost("a worker process died while starting") from err

    def run(self, batches: Iterable[Batch]) -> Iterator[tuple[Batch, list[Record]]]:
        """Yield batches as they finish, keeping about two per worker in flight."""
        pending: set[Future[tuple[Batch, list[Record]]]] = set()
        todo = iter(batches)
        try:
            for batch in todo:
                pending.add(self._pool.submit(run_batch, batch))
                if len(pending) >= 2 * self.jobs:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        yield future.result()
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        except BrokenProcessPool as err:
            raise WorkersLost(
                "a worker process died (killed, or out of memory?) before its batch was done"
            ) from err
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        """Stop the workers (batches not yet started are dropped)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """Batches as tasks on a Dask distributed cluster (optional extra ``dask``).

    A worker that dies mid-batch has its task rerun elsewhere by the scheduler; the rerun gives the
    same records, and the store keeps each replication once. When the cluster has no worker left,
    tasks would wait for one forever: the executor says so through ``notice`` at once, and gives
    up (:class:`WorkersLost`) if none has joined after ``patience`` seconds.

    Args:
        address: the scheduler's address (a local cluster is started if None and no client).
        client: a client already connected (the executor leaves it open when it closes).
        notice: told in one line when the cluster has no worker, and when workers are back.
        patience: seconds to wait for a worker on a cluster that has none.
    """

    def __init__(
        self,
        address: str | None = None,
        client: Client | None = None,
        notice: Callable[[str], None] | None = None,
        patience: float = NO_WORKER_PATIENCE,
    ) -> None:
        try:
            from distributed import Client
        except ImportError as err:  # the optional extra is missing
            raise RuntimeError(
                "the Dask executor needs the optional extra: pip install -e '.[dask]'"
            ) from err
        self._own = client is None
        self.address = address or "(a given client)"
        self._client = client if client is not None else Client(address, timeout="20s")
        self.jobs = max(1, sum(self._client.nthreads().values()))
        self._notice = notice
        self._patience = patience
        self._alone_since: float | None = None

    def run(self, batches: Iterable[Batch]) -> Iterator[tuple[Batch, list[Record]]]:
        """Yield batches as their tasks finish, keeping about two per worker thread in flight."""
        from distributed import wait as first_done
        from distributed.comm import CommClosedError

        client = self._client
        todo = iter(batches)
        pending = {
            client.submit(run_batch, b, pure=False) for b in itertools.islice(todo, 2 * self.jobs)
        }
        try:
            while pending:
                try:
                    done, pending = first_done(pending, POLL_SECONDS, "FIRST_COMPLETED")
                except TimeoutError:  # nothing finished for a while: is anyone working?
                    self._check_workers()
                    continue
                for future in done:
                    yield future.result()
                    following = next(todo, None)
                    if following is not None:
                        pending.add(client.submit(run_batch, following, pure=False))
        except (CancelledError, OSError, TimeoutError) as err:
            # Futures this executor did not cancel are cancelled by the client when it loses the
            # scheduler; a result being fetched as the scheduler goes fails with a closed comm
            # (even before the client notices): the cluster, not the model, failed.
            if isinstance(err, CancelledError | CommClosedError) or client.status != "running":
                why = type(err).__name__
                raise WorkersLost(f"lost the Dask scheduler at {self.address} ({why})") from err
            raise
        finally:
            for future in pending:
                future.cancel()

    def _check_workers(self) -> None:
        """Say when the cluster has no worker left; give up if none joins in time."""
        workers = len(self._client.nthreads())
        now = time.monotonic()
        if workers:
            if self._alone_since is not None and self._notice:
                self._notice(f"sim: {workers} Dask worker(s) at {self.address} again; going on")
            self._alone_since = None
            return
        if self._alone_since is None:
            self._alone_since = now
            if self._notice:
                self._notice(
                    f"sim: no Dask worker left at {self.address}: waiting up to "
                    f"{self._patience:.0f} s for one to join (Ctrl-C stops; finished "
                    "replications are saved)"
                )
        elif now - self._alone_since > self._patience:
            raise WorkersLost(
                f"no Dask worker at {self.address} for {self._patience:.0f} s (all of them gone)"
            )

    def close(self) -> None:
        """Disconnect (and stop the cluster if this executor started it)."""
        if self._own:
            self._client.close()


Executor = SerialExecutor | ProcessExecutor | DaskExecutor


def make_executor(
    kind: str = "local",
    jobs: int | None = None,
    address: str | None = None,
    notice: Callable[[str], None] | None = None,
) -> Executor:
    """An executor by name: ``local`` (a process pool; one job runs in this process) or ``dask``.

    A local pool has ``jobs`` workers (default: all cores), never more than the machine can hold
    (:func:`sim.experiments.capacity.capacity`): compare the executor's ``jobs`` with the request.
    ``notice`` hears what a Dask executor has to say while it waits (a cluster left without
    workers).
    """
    if kind == "dask":
        return DaskExecutor(address, notice=notice)
    if kind != "local":
        raise ValueError(f"unknown executor {kind!r}; use local or dask")
    jobs = min(jobs or default_jobs(), capacity().jobs)
    return SerialExecutor() if jobs == 1 else ProcessExecutor(jobs)
