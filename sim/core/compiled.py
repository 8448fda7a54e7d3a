"""The optional compiled build: never let extension modules older than their sources run.

``SIM_COMPILE=1 pip install .`` compiles the per-tip modules with mypyc and records each source's
hash in ``sim/_compiled.json`` (setup.py). Python imports an extension module before the ``.py``
beside it, so after an editable install a later edit of a source would be silently ignored. At
``import sim`` :func:`guard` compares the hashes: if any compiled source changed, every compiled
module is loaded from its source instead (the compiled modules call each other directly, so they
are kept or dropped together), with one warning saying how to rebuild.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent  # the folder that holds sim/
STAMP = PACKAGE_ROOT / "sim" / "_compiled.json"


class SourceFirst(importlib.abc.MetaPathFinder):
    """Finds the named modules as their ``.py`` sources, ahead of any extension module."""

    def __init__(self, modules: set[str], root: Path) -> None:
        self.modules = modules
        self.root = root

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        """The source's spec for a compiled module; None for every other module."""
        if fullname not in self.modules:
            return None
        source = self.root / (fullname.replace(".", "/") + ".py")
        return importlib.util.spec_from_file_location(fullname, source)


def _extension(source: Path) -> bool:
    """True when a compiled extension module sits beside ``source`` (and would be imported)."""
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    return any(source.with_name(source.stem + suffix).exists() for suffix in suffixes)


def stale_sources(stamp: Path = STAMP, root: Path = PACKAGE_ROOT) -> list[str]:
    """The compiled sources that changed since the build (empty: none, or no compiled build).

    Only modules whose extension file is there count: a stamp left by a build elsewhere (a wheel
    built from this folder) says nothing about the pure modules beside it.
    """
    if not stamp.exists():
        return []
    hashes: dict[str, str] = json.loads(stamp.read_text(encoding="utf-8"))
    changed = []
    for module, digest in sorted(hashes.items()):
        source = root / module
        if not _extension(source):
            continue
        if not source.exists() or hashlib.sha256(source.read_bytes()).hexdigest() != digest:
            changed.append(module)
    return changed


def guard(stamp: Path = STAMP, root: Path = PACKAGE_ROOT) -> bool:
    """Run the sources instead of a stale compiled build; True when that happened."""
    changed = stale_sources(stamp, root)
    if not changed:
        return False
    hashes = json.loads(stamp.read_text(encoding="utf-8"))
    modules = {m.removesuffix(".py").replace("/", ".") for m in hashes}
    sys.meta_path.insert(0, SourceFirst(modules, root))
    warnings.warn(
        f"the compiled build is older than its sources ({changed[0]} changed): running pure "
        "Python; rebuild it with SIM_COMPILE=1 pip install -e . (or drop it with pip install -e .)",
        stacklevel=2,
    )
    return True
