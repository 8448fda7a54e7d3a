"""Inter-agency information-sharing simulator.

A discrete-event model of police zones, intelligence services, a coordination body, an
investigating judge, databases and foreign services passing tips about a fugitive to each other,
with delays, losses, language barriers, name mismatches, queues and the night rule on house
searches. Run it from the ``sim`` command or from Python (docs/api.md)::

    import sim
    summary = sim.run("scenarios/brussels-2015.yaml", runs=1000, seed=1)
    print(summary.capture_rate, summary.ci95)
    records = summary.records()  # a pandas DataFrame, one row per replication

Names are imported when first used (PEP 562), so ``import sim`` stays quick and loads neither
matplotlib nor pandas until a result needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sim.core import compiled as _compiled
from sim.version import __version__

_compiled.guard()  # before any compiled module is imported: never run a stale compiled build

#: Each public name and the module it comes from.
_EXPORTS: dict[str, str] = {
    "load_scenario": "sim.scenario",
    "run": "sim.api.commands",
    "compare": "sim.api.commands",
    "sweep": "sim.api.commands",
    "attribute": "sim.api.commands",
    "calibrate": "sim.api.commands",
    "trace": "sim.api.commands",
    "report": "sim.api.commands",
    "remove_frictions": "sim.api.commands",
    "apply_reform": "sim.api.commands",
    "Model": "sim.model.replication",
    "run_replication": "sim.model.replication",
    "Problem": "sim.scenario",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "scenario_hash": "sim.scenario",
    "ResultsStore": "sim.experiments.store",
    "StoreError": "sim.experiments.store",
    "Summary": "sim.experiments.summary",
}

__all__ = [
    "Model",
    "Problem",
    "ResultsStore",
    "Scenario",
    "ScenarioError",
    "StoreError",
    "Summary",
    "__version__",
    "apply_reform",
    "attribute",
    "calibrate",
    "compare",
    "load_scenario",
    "remove_frictions",
    "report",
    "run",
    "run_replication",
    "scenario_hash",
    "sweep",
    "trace",
]

if TYPE_CHECKING:
    from sim.api.commands import (
        apply_reform,
        attribute,
        calibrate,
        compare,
        remove_frictions,
        report,
        run,
        sweep,
        trace,
    )
    from sim.experiments.store import ResultsStore, StoreError
    from sim.experiments.summary import Summary
    from sim.model.replication import Model, run_replication
    from sim.scenario import Problem, Scenario, ScenarioError, load_scenario, scenario_hash


def __getattr__(name: str) -> Any:
    """Import a public name's module when the name is first used."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later uses skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
