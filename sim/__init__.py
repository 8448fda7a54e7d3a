"""Inter-agency information-sharing simulator.

A discrete-event model of police zones, intelligence services, a coordination body, an
investigating judge, databases and foreign services passing tips about a fugitive to each other,
with delays, losses, language barriers, name mismatches, queues and the night rule on house
searches. Run it from the ``sim`` command or from Python::

    import sim
    scenario = sim.load_scenario("scenarios/brussels-2015.yaml")
    summary = sim.run(scenario, runs=1000, seed=1)
    print(summary.capture_rate, summary.ci95)

The names below are imported when first used (PEP 562), so that ``import sim`` and the ``sim``
command's help, validation and mistakes answer without loading the model or the plotting
libraries.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sim.version import __version__

if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from sim.experiments.runner import run
    from sim.experiments.summary import Summary
    from sim.model.replication import Model, run_replication
    from sim.scenario import Problem, Scenario, ScenarioError, load_scenario, scenario_hash

#: Where each public name lives: imported on first use.
_LAZY = {
    "Model": "sim.model.replication",
    "Problem": "sim.scenario",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "Summary": "sim.experiments.summary",
    "load_scenario": "sim.scenario",
    "run": "sim.experiments.runner",
    "run_replication": "sim.model.replication",
    "scenario_hash": "sim.scenario",
}

__all__ = [
    "Model",
    "Problem",
    "Scenario",
    "ScenarioError",
    "Summary",
    "__version__",
    "load_scenario",
    "run",
    "run_replication",
    "scenario_hash",
]


def __getattr__(name: str) -> Any:
    """Import a public name the first time it is asked for, then keep it."""
    home = _LAZY.get(name)
    if home is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
