"""Optional compiled build of the per-tip path (everything else is in pyproject.toml).

``SIM_COMPILE=1 pip install .`` compiles the modules one replication runs through with mypyc
(they are type-checked Python; the compiled build gives identical records, which CI checks). Where
no C compiler or mypyc is available the build falls back to pure Python with a warning. A record
of the compiled sources' hashes (``sim/_compiled.json``) lets ``import sim`` notice sources edited
after the build and run pure Python instead of stale extensions (sim/core/compiled.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent

#: The per-tip path: one replication's modules and the foundations they call on every tip.
COMPILED = [
    *sorted(
        str(p.relative_to(HERE))
        for p in (HERE / "sim" / "model").glob("*.py")
        if p.name != "__init__.py"
    ),
    "sim/core/streams.py",
    "sim/core/distributions.py",
    "sim/core/clock.py",
    "sim/names/variants.py",
]


def _stamp(modules: list[str]) -> None:
    """Write the hashes of the compiled sources beside them (read by sim.core.compiled)."""
    hashes = {m: hashlib.sha256((HERE / m).read_bytes()).hexdigest() for m in modules}
    (HERE / "sim" / "_compiled.json").write_text(json.dumps(hashes, indent=1, sort_keys=True))


def _extensions() -> list:
    if os.environ.get("SIM_COMPILE") != "1":
        stale = HERE / "sim" / "_compiled.json"
        if stale.exists():
            stale.unlink()  # a pure build must not claim compiled modules
        return []
    try:
        from mypyc.build import mypycify
    except ImportError as exc:  # pragma: no cover - depends on the machine
        print(f"SIM_COMPILE=1 but mypyc is missing ({exc}); building pure Python", file=sys.stderr)
        return []
    try:
        modules = mypycify(["--config-file", "tools/mypyc.ini", *COMPILED], opt_level="3")
    except Exception as exc:  # pragma: no cover - a compiler or type error on this machine
        print(f"the compiled build failed ({exc}); building pure Python", file=sys.stderr)
        return []
    _stamp(COMPILED)
    return modules


setup(ext_modules=_extensions())
