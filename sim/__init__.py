"""Inter-agency information-sharing simulator.

A discrete-event model of police zones, intelligence services, a coordination body, an
investigating judge, databases and foreign services passing tips about a fugitive to each other,
with delays, losses, language barriers, name mismatches, queues and the night rule on house
searches. Run it from the ``sim`` command or from Python::

    import sim
    scenario = sim.load_scenario("scenarios/brussels-2015.yaml")
    summary = sim.run(scenario, runs=1000, seed=1)
    print(summary.capture_rate, summary.ci95)
"""

from sim.core import compiled as _compiled

_compiled.guard()  # before any compiled module is imported: never run a stale compiled build

from sim.experiments.runner import run  # noqa: E402
from sim.experiments.summary import Summary  # noqa: E402
from sim.model.replication import Model, run_replication  # noqa: E402
from sim.scenario import Problem, Scenario, ScenarioError, load_scenario, scenario_hash  # noqa: E402
from sim.version import __version__  # noqa: E402

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
