"""Start-up: help, validation and mistakes answer without loading the model or the plotting stack.

Each command line runs in a fresh interpreter, which then lists the modules it imported: the test
counts modules, not seconds (the figures, from ``python -X importtime``, are in CHANGELOG.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

#: Imported only by the commands that compute or draw: never by help, validation or a typo.
HEAVY = ("matplotlib", "scipy", "pandas", "PIL", "simpy", "sim.model", "sim.experiments")

#: Runs the command line, then prints the heavy modules loaded and the exit code as JSON.
PROBE = """
import json, sys
heavy = json.loads(sys.argv[2])
sys.argv = ["sim", *json.loads(sys.argv[1])]
from sim.cli import main
try:
    main()
    code = 0
except SystemExit as stop:
    code = stop.code
loaded = sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in heavy))
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def probe(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=ROOT,
        timeout=600,  # a hang, however loaded the machine
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--help"], 0),
        ([], 2),  # the help page, as for any incomplete command line
        (["rn", "scenarios/brussels-2015.yaml"], 2),
        (["run", "--help"], 0),
        (["compare", "--help"], 0),
        (["run", "--runs", "0", "scenarios/brussels-2015.yaml"], 2),
        (["validate", "scenarios/brussels-2015.yaml", "scenarios/reforms/night-searches.yaml"], 0),
        (["validate", "tests/scenarios/no-such-file.yaml"], 2),
        (["run", "tests/scenarios/no-such-file.yaml"], 2),
    ],
    ids=[
        "help",
        "nothing",
        "typo",
        "run-help",
        "compare-help",
        "bad-option",
        "validate",
        "validate-missing",
        "run-missing",
    ],
)
def test_answers_without_the_model_or_the_plots(args: list[str], code: int) -> None:
    result = probe(*args)
    assert result["code"] == code, result
    assert result["loaded"] == [], f"sim {' '.join(args)} imported {result['loaded']}"


def test_import_sim_is_light_and_names_load_on_first_use() -> None:
    code = (
        "import sys, sim\n"
        "light = 'sim.model.replication' not in sys.modules and 'matplotlib' not in sys.modules\n"
        "run, scenario = sim.run, sim.load_scenario\n"
        "print(light, run.__module__, scenario.__module__, 'Model' in dir(sim))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=ENV, check=True
    )
    assert done.stdout.split() == [
        "True",
        "sim.api.commands",
        "sim.scenario.loader",
        "True",
    ]


def test_every_public_name_resolves_and_unknown_names_fail() -> None:
    import sim

    for name in sim.__all__:
        assert getattr(sim, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'nonesuch'"):
        _ = sim.nonesuch  # type: ignore[attr-defined]


def test_command_line_defaults_repeat_the_librarys() -> None:
    from sim.analysis.attribution import DEFAULT_ORDERS
    from sim.cli import attribute, common
    from sim.experiments.store import DEFAULT_PATH

    assert common.DEFAULT_STORE == DEFAULT_PATH
    assert attribute.DEFAULT_ORDERS == DEFAULT_ORDERS
    from sim.cli import export
    from sim.outputs.tables import FORMATS

    assert export.FORMATS == FORMATS
