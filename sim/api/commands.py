"""What every ``sim`` command does, as Python functions with the command's options and defaults.

Each function takes a :class:`~sim.scenario.Scenario` or the path of a scenario file, the same
keyword options as its command (``runs``, ``seed``, ``sets``, ``precision``, ``max_runs``,
``jobs``, ``executor``, ``address``, ``store``, ``progress``) with the same defaults, and returns a
result with ``.to_frame()`` and ``.records()`` (pandas DataFrames, see :mod:`sim.experiments.
frames`). Like the commands, they run on every core and keep each replication in
``reports/results.sqlite`` (``store=``) so a repeated call computes nothing; ``store=None`` keeps
them in memory for this session only.

``docs/api.md`` shows each one; every example there is run by ``tests/test_api_docs.py``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sim.analysis import attribution
from sim.analysis.attribution import DEFAULT_ORDERS, Attribution
from sim.analysis.frictions import BY_KEY, without
from sim.api.progress import Progress, can_show, progress_bar
from sim.core.runs import first_runs
from sim.experiments import compare as comparing
from sim.experiments import runner
from sim.experiments import sweep as sweeping
from sim.experiments.compare import Comparison
from sim.experiments.executors import Executor, make_executor
from sim.experiments.store import DEFAULT_PATH, ResultsStore
from sim.experiments.summary import Summary
from sim.experiments.sweep import Axis, Sweep, parse_vary
from sim.scenario import Scenario, load_scenario
from sim.scenario.document import scenario_document, with_overrides, with_reform
from sim.scenario.loader import validate_document

if TYPE_CHECKING:
    from sim.analysis.calibration import Calibration
    from sim.outputs.trace import Trace

ScenarioLike = Scenario | str | Path
StoreLike = ResultsStore | str | Path | None
ExecutorLike = Executor | str
ProgressLike = Progress | bool | None

#: Default replications of every experiment command but ``attribute``.
RUNS = 1000
#: Default replications per variant of ``attribute`` (it runs many variants).
ATTRIBUTE_RUNS = 200
#: Default upper bound of a precision target.
MAX_RUNS = 100_000


def scenario_of(scenario: ScenarioLike, sets: Sequence[str] | None = None) -> Scenario:
    """A scenario object: loaded from a file, or the one given, with ``--set`` overrides applied.

    Raises:
        ScenarioError: the file or an override is not valid (every problem, with lines).
    """
    if isinstance(scenario, Scenario):
        return with_overrides(scenario, sets or ())
    return load_scenario(scenario, sets or ())


@dataclass
class _Session:
    store: ResultsStore
    executor: Executor
    progress: Progress | None


@contextmanager
def _session(
    store: StoreLike,
    jobs: int | None,
    executor: ExecutorLike,
    address: str | None,
    progress: ProgressLike,
) -> Iterator[_Session]:
    """Open the store and the executor as the command line would, and release them afterwards.

    A store given as an object, and an in-memory one, stay open: the result reads its records
    from them later. A store opened here from a path is closed; the result reopens it to read.
    """
    own_store = not isinstance(store, ResultsStore)
    results = store if isinstance(store, ResultsStore) else ResultsStore(store or ":memory:")
    own_executor = isinstance(executor, str)
    runner_ = make_executor(executor, jobs, address) if isinstance(executor, str) else executor
    try:
        if callable(progress):
            yield _Session(results, runner_, progress)
        else:
            with progress_bar(bool(progress) and can_show()) as bar:
                yield _Session(results, runner_, bar)
    finally:
        if own_executor:
            runner_.close()
        if own_store and results.path != ":memory:":
            results.close()


def run(
    scenario: ScenarioLike,
    runs: int | None = None,
    seed: int = 0,
    *,
    sets: Sequence[str] | None = None,
    precision: float | None = None,
    max_runs: int = MAX_RUNS,
    jobs: int | None = None,
    executor: ExecutorLike = "local",
    address: str | None = None,
    store: StoreLike = DEFAULT_PATH,
    progress: ProgressLike = True,
) -> Summary:
    """Run a scenario many times (``sim run``): capture probability, median days, counters.

    Args:
        scenario: a scenario object or file.
        runs: replications (default 1,000; with ``precision``, the first round: default 100).
        seed: master seed; the same seed gives the same numbers, whatever the executor.
        sets: ``--set`` overrides, e.g. ``["agencies.DR3.staff=12"]``.
        precision: keep going until the 95 % half-width is at most this.
        max_runs: the most replications a precision target may ask for.
        jobs: local worker processes (None: every core; 1: this process).
        executor: ``"local"``, ``"dask"`` (with ``address``), or an executor object.
        address: the Dask scheduler's address.
        store: the results store's file, a :class:`ResultsStore`, or None (in memory).
        progress: show a bar on a terminal (True), call ``progress(done, wanted)``, or nothing.
    """
    chosen = scenario_of(scenario, sets)
    with _session(store, jobs, executor, address, progress) as s:
        return runner.run(
            chosen,
            first_runs(runs, precision, max_runs),
            seed,
            precision=precision,
            max_runs=max_runs,
            store=s.store,
            executor=s.executor,
            progress=s.progress,
        )


def compare(
    scenarios: Sequence[ScenarioLike],
    runs: int | None = None,
    seed: int = 0,
    *,
    sets: Sequence[str] | None = None,
    precision: float | None = None,
    max_runs: int = MAX_RUNS,
    jobs: int | None = None,
    executor: ExecutorLike = "local",
    address: str | None = None,
    store: StoreLike = DEFAULT_PATH,
    progress: ProgressLike = True,
) -> Comparison:
    """Compare scenarios on common random numbers (``sim compare``); the first is the baseline.

    ``sets`` apply to every scenario; with ``precision``, replications are added until every
    paired difference is known to that half-width. The other options are :func:`run`'s.
    """
    chosen = [scenario_of(s, sets) for s in scenarios]
    with _session(store, jobs, executor, address, progress) as s:
        return comparing.compare(
            chosen,
            first_runs(runs, precision, max_runs),
            seed,
            precision=precision,
            max_runs=max_runs,
            store=s.store,
            executor=s.executor,
            progress=s.progress,
        )


def sweep(
    scenario: ScenarioLike,
    vary: Sequence[str] | Mapping[str, Sequence[object]],
    runs: int | None = None,
    seed: int = 0,
    *,
    sets: Sequence[str] | None = None,
    precision: float | None = None,
    max_runs: int = MAX_RUNS,
    jobs: int | None = None,
    executor: ExecutorLike = "local",
    address: str | None = None,
    store: StoreLike = DEFAULT_PATH,
    progress: ProgressLike = True,
) -> Sweep:
    """Run a scenario (object or file) at every point of a parameter grid (``sim sweep``).

    ``vary`` is the grid: ``--vary`` texts (``["agencies.DR3.staff=3,6,12"]``) or a map of each
    dotted path to its values (``{"agencies.DR3.staff": [3, 6, 12]}``); ``runs`` are per point.
    The other options are :func:`run`'s.
    """
    axes = _axes(vary)
    base = scenario_of(scenario, sets) if isinstance(scenario, Scenario) else scenario
    overrides = () if isinstance(scenario, Scenario) else tuple(sets or ())
    with _session(store, jobs, executor, address, progress) as s:
        return sweeping.sweep(
            base,
            axes,
            first_runs(runs, precision, max_runs),
            seed,
            overrides=overrides,
            precision=precision,
            max_runs=max_runs,
            store=s.store,
            executor=s.executor,
            progress=s.progress,
        )


def _axes(vary: Sequence[str] | Mapping[str, Sequence[object]]) -> list[Axis]:
    if isinstance(vary, Mapping):
        return [Axis(path, tuple(_yaml(v) for v in values)) for path, values in vary.items()]
    return [parse_vary(text) for text in vary]


def _yaml(value: object) -> str:
    """A value as ``--vary`` would write it (True as true, None as null)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def attribute(
    scenario: ScenarioLike,
    runs: int = ATTRIBUTE_RUNS,
    seed: int = 0,
    *,
    sets: Sequence[str] | None = None,
    orders: int = DEFAULT_ORDERS,
    jobs: int | None = None,
    executor: ExecutorLike = "local",
    address: str | None = None,
    store: StoreLike = DEFAULT_PATH,
    progress: ProgressLike = True,
) -> Attribution:
    """Each friction's cost: removed alone, and its Shapley share of the gap (``sim attribute``).

    ``scenario`` is an object (built or changed in code) or a file; ``runs`` are per variant
    (every subset of frictions is one); ``orders`` are the sampled orders of removal when there
    are more than eight frictions. The other options are :func:`run`'s.
    """
    with _session(store, jobs, executor, address, progress) as s:
        return attribution.attribute(
            scenario,
            runs,
            seed,
            overrides=tuple(sets or ()),
            orders=orders,
            store=s.store,
            executor=s.executor,
            progress=s.progress,
        )


def calibrate(
    history: str | Path,
    uncertainty: str | Path,
    reforms: Sequence[str | Path] = (),
    points: int = 1000,
    runs: int = 200,
    seed: int = 0,
    *,
    replay: str | Path | None = None,
    draws: int = 100,
    check_runs: int = 100,
    nominal_runs: int = 1000,
    attribution_points: int = 0,
    attribution_runs: int = 50,
    orders: int = DEFAULT_ORDERS,
    jobs: int | None = None,
    executor: ExecutorLike = "local",
    address: str | None = None,
    store: StoreLike = DEFAULT_PATH,
    progress: ProgressLike = True,
) -> Calibration:
    """Weigh the assumptions by how well a replay reproduces the record (``sim calibrate``).

    ``history`` is the history file (what was observed; it names its replay, unless ``replay``
    gives another); ``uncertainty`` the priors; ``reforms`` the menu recomputed nominal, under the
    prior and under the posterior. The result has ``.to_dict()`` (the ``--json`` output),
    ``.to_frame(table)`` (``factors``, ``points``, ``observations``, ``menu``,
    ``attribution``) and ``.records()`` (the replay's runs at every point). The other options
    are :func:`run`'s; docs/calibration.md says what each number means.
    """
    from sim.analysis.calibration import calibrate as calibrating

    with _session(store, jobs, executor, address, progress) as s:
        return calibrating(
            history,
            uncertainty,
            reforms,
            points,
            runs,
            seed,
            replay=replay,
            draws=draws,
            check_runs=check_runs,
            nominal_runs=nominal_runs,
            attribution_points=attribution_points,
            attribution_runs=attribution_runs,
            orders=orders,
            store=s.store,
            executor=s.executor,
            progress=s.progress,
        )


def trace(
    scenario: ScenarioLike,
    seed: int = 0,
    replication: int = 0,
    *,
    sets: Sequence[str] | None = None,
) -> Trace:
    """One replication with its ledger (``sim trace``): the same numbers as in a batch.

    ``.to_frame()`` is the ledger (a row per step of every tip); :func:`sim.outputs.story.tell`
    tells it in words and :func:`sim.outputs.plots.timeline` draws it.
    """
    from sim.outputs.trace import trace as traced

    return traced(scenario_of(scenario, sets), seed, replication)


def report(
    scenarios: ScenarioLike | Sequence[ScenarioLike],
    runs: int | None = None,
    seed: int = 0,
    *,
    sets: Sequence[str] | None = None,
    precision: float | None = None,
    max_runs: int = MAX_RUNS,
    jobs: int | None = None,
    executor: ExecutorLike = "local",
    address: str | None = None,
    store: StoreLike = DEFAULT_PATH,
    progress: ProgressLike = True,
    out: str | Path = Path("reports/report"),
    uncertainty: str | Path | None = None,
    design: str = "morris",
    points: int = 10,
    explore_runs: int = 200,
    history: str | Path | None = None,
    calibrate_points: int = 200,
    calibrate_runs: int = 50,
) -> Path:
    """Write the HTML report of one or more scenarios into ``out`` (``sim report``).

    With ``uncertainty`` (an uncertainty file; the explore extra), the report gains a robustness
    section: the first scenario and the others explored over its ranges (``design``, ``points``,
    ``explore_runs`` per point and arm, as in ``sim explore``). With ``history`` too (a history
    file), a section on what the record says about the assumptions (``sim calibrate`` at
    ``calibrate_points`` prior points, ``calibrate_runs`` runs each).

    Returns:
        The path of the report's ``index.html``.
    """
    from sim.outputs.report import CalibrateRequest, ExploreRequest, build_report

    request = ExploreRequest(uncertainty, design, points, explore_runs) if uncertainty else None
    if history is not None and uncertainty is None:
        raise ValueError("a calibration section needs the uncertainty file too (uncertainty=)")
    calibration = (
        CalibrateRequest(history, uncertainty, calibrate_points, calibrate_runs)
        if history is not None and uncertainty is not None
        else None
    )

    chosen = [scenarios] if isinstance(scenarios, Scenario | str | Path) else list(scenarios)
    with _session(store, jobs, executor, address, progress) as s:
        return build_report(
            chosen,
            out,
            first_runs(runs, precision, max_runs),
            seed,
            overrides=tuple(sets or ()),
            precision=precision,
            max_runs=max_runs,
            store=s.store,
            executor=s.executor,
            progress=s.progress,
            command="sim.report(...)",
            exploration=request,
            calibration=calibration,
        )


def remove_frictions(scenario: ScenarioLike, *frictions: str) -> Scenario:
    """The scenario with the named frictions removed (``"night_rule"``, ``"language"``...).

    The names are those ``sim attribute`` lists (:data:`sim.analysis.frictions.FRICTIONS`).

    Raises:
        ValueError: a name that is no friction (the message lists them).
    """
    unknown = [f for f in frictions if f not in BY_KEY]
    if unknown:
        raise ValueError(f"no friction {unknown[0]!r}; the frictions are: {', '.join(BY_KEY)}")
    document = without(scenario_document(scenario), [BY_KEY[f] for f in frictions])
    if frictions:  # named as sim attribute names its variants
        document["name"] = f"{document.get('name')} without {'+'.join(sorted(frictions))}"
    return validate_document(document, file=str(document["name"]))


def apply_reform(scenario: ScenarioLike, reform: str | Path) -> Scenario:
    """The scenario with a reform file's changes (``scenarios/reforms/*.yaml``) applied to it."""
    return with_reform(scenario_of(scenario), reform)
