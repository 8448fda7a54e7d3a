"""The build backend: setuptools, plus mypy when the compiled build is asked for.

``SIM_COMPILE=1 pip install .`` compiles the per-tip modules with mypyc (see setup.py); without
the variable the package installs as pure Python and nothing extra is downloaded. This wrapper
only adds mypy (which ships mypyc) to the build's requirements when it is needed.
"""

from __future__ import annotations

import os
import tomllib

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403  (the PEP 517 hooks setuptools provides)

#: The mypyc that the compiled build is tested with (CI compares its records with pure Python).
MYPYC = "mypy>=1.10"


def _extra() -> list[str]:
    """mypy, and the packages whose types mypyc reads (the project's own dependencies)."""
    if os.environ.get("SIM_COMPILE") != "1":
        return []
    with open("pyproject.toml", "rb") as stream:
        project = tomllib.load(stream)["project"]
    return [MYPYC, *project["dependencies"]]


def get_requires_for_build_wheel(config_settings=None):  # noqa: D103, ANN001, ANN201
    return [*_setuptools.get_requires_for_build_wheel(config_settings), *_extra()]


def get_requires_for_build_editable(config_settings=None):  # noqa: D103, ANN001, ANN201
    return [*_setuptools.get_requires_for_build_editable(config_settings), *_extra()]
