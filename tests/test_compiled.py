"""The optional compiled build: a stale extension never runs, and it gives the pure records.

The first tests check the guard (:mod:`sim.core.compiled`) on a throwaway package. The last one
compares the compiled build's records with this process's pure-Python ones; it runs when
``SIM_COMPILED_PATH`` names a folder holding a compiled ``sim`` (CI builds one, see .ci/run), and
is skipped otherwise.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.core import compiled

ROOT = Path(__file__).resolve().parents[1]


def fake_build(root: Path, extension: bool = True) -> Path:
    """A package ``pkg`` with one module, a stamp of its source and (optionally) an extension."""
    source = root / "pkg" / "mod.py"
    source.parent.mkdir(parents=True)
    source.write_text("WHICH = 'source'\n", encoding="utf-8")
    if extension:
        suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
        (root / "pkg" / f"mod{suffix}").write_bytes(b"not really an extension")
    stamp = root / "pkg" / "_compiled.json"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    stamp.write_text(json.dumps({"pkg/mod.py": digest}), encoding="utf-8")
    return stamp


def test_a_build_whose_sources_are_unchanged_is_not_stale(tmp_path: Path) -> None:
    stamp = fake_build(tmp_path)
    assert compiled.stale_sources(stamp, tmp_path) == []
    assert not compiled.guard(stamp, tmp_path)


def test_an_edited_source_makes_every_compiled_module_load_from_source(tmp_path: Path) -> None:
    stamp = fake_build(tmp_path)
    (tmp_path / "pkg" / "mod.py").write_text("WHICH = 'edited source'\n", encoding="utf-8")
    assert compiled.stale_sources(stamp, tmp_path) == ["pkg/mod.py"]
    before = list(sys.meta_path)
    try:
        with pytest.warns(UserWarning, match="older than its sources"):
            assert compiled.guard(stamp, tmp_path)
        finder = sys.meta_path[0]
        assert isinstance(finder, compiled.SourceFirst)
        spec = finder.find_spec("pkg.mod")
        assert spec is not None and spec.origin == str(tmp_path / "pkg" / "mod.py")
        assert finder.find_spec("pkg.other") is None
    finally:
        sys.meta_path[:] = before


def test_a_stamp_without_extensions_beside_it_is_ignored(tmp_path: Path) -> None:
    # A wheel built from an editable checkout leaves its stamp there, but no extension.
    stamp = fake_build(tmp_path, extension=False)
    (tmp_path / "pkg" / "mod.py").write_text("WHICH = 'edited'\n", encoding="utf-8")
    assert compiled.stale_sources(stamp, tmp_path) == []


PROBE = """
import json, sys
from sim.experiments.bench import compiled
from sim.scenario import load_scenario
from sim.model.replication import Model
out = {"compiled": compiled(), "records": []}
for path in sys.argv[1:]:
    scenario = load_scenario(path)
    for r in range(12):
        record = Model(scenario, 5, r).run()
        out["records"].append({k: repr(v) for k, v in record.items()})
print(json.dumps(out))
"""

SCENARIOS = [
    ROOT / "scenarios" / "brussels-2015.yaml",
    ROOT / "scenarios" / "brussels-2015-centralised.yaml",
    ROOT / "scenarios" / "reforms" / "immediate-escalation.yaml",
    ROOT / "scenarios" / "brussels-2015-replay.yaml",
]


def _records(extra_path: str | None, cwd: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if extra_path:
        env["PYTHONPATH"] = str(Path(extra_path).resolve())
    # A sim imported from elsewhere does not count the checkout's scenarios as its bundled ones:
    # the reforms extend brussels-2015 from the folder above theirs.
    env["SIM_SCENARIO_PATH"] = str(ROOT / "scenarios")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *map(str, SCENARIOS)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,  # not the checkout: `python -c` would find its pure sim/ first
        check=True,
        timeout=600,  # a hang, however loaded the machine
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(
    not os.environ.get("SIM_COMPILED_PATH"), reason="no compiled build given (SIM_COMPILED_PATH)"
)
def test_the_compiled_build_gives_the_pure_python_records(tmp_path: Path) -> None:
    fast = _records(os.environ["SIM_COMPILED_PATH"], tmp_path)
    pure = _records(None, tmp_path)
    assert fast["compiled"] is True, "SIM_COMPILED_PATH holds no compiled sim"
    assert pure["compiled"] is False
    assert fast["records"] == pure["records"]


POOL_PROBE = """
import json, sys
from sim.experiments.bench import compiled
from sim.experiments.executors import Batch, ProcessExecutor, run_batch
from sim.scenario import load_scenario
scenario = load_scenario(sys.argv[1])
batches = [Batch("k", scenario, 5, tuple(range(i, i + 4))) for i in range(0, 16, 4)]
executor = ProcessExecutor(2)
try:
    pooled = {b.replications: r for b, r in executor.run(batches)}
finally:
    executor.close()
here = {b.replications: run_batch(b)[1] for b in batches}
def shown(records):  # repr: a record may hold nan, which equals nothing
    return [{k: repr(v) for k, v in r.items()} for r in records]
same = all(shown(pooled[k]) == shown(here[k]) for k in here)
print(json.dumps({"compiled": compiled(), "same": same, "batches": len(pooled)}))
"""


@pytest.mark.skipif(
    not os.environ.get("SIM_COMPILED_PATH"), reason="no compiled build given (SIM_COMPILED_PATH)"
)
def test_the_compiled_build_runs_in_a_process_pool(tmp_path: Path) -> None:
    # A pool worker receives the scenario pickled; compiled frozen classes (its distributions)
    # once could not be unpickled there, and every worker died before its first batch.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(Path(os.environ["SIM_COMPILED_PATH"]).resolve())
    env["SIM_SCENARIO_PATH"] = str(ROOT / "scenarios")
    done = subprocess.run(
        [sys.executable, "-c", POOL_PROBE, str(SCENARIOS[0])],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
        timeout=600,
    )
    out = json.loads(done.stdout)
    assert out == {"compiled": True, "same": True, "batches": 4}
