"""Scenarios: the typed format, loading YAML files into it, and saying what is wrong with them."""

from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.loader import load_document, load_scenario, scenario_hash
from sim.scenario.notices import ScenarioWarning
from sim.scenario.schema import Scenario

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScenarioWarning",
    "load_document",
    "load_scenario",
    "scenario_hash",
]
