"""Where ``extends:`` may lead: a scenario file in the scenario's own folder tree, or a trusted one.

A scenario is often a file someone else wrote (a colleague's variant, a file a CI job or a web
form is asked to validate). Its ``extends:`` names another file, which is read; left free, it could
name any file on the machine (the password file, a key) and the messages about it would tell what
that file holds. So a parent must be:

* named like a scenario file (``.yaml`` or ``.yml``);
* a regular file: never a folder, a device or a named pipe (reading one could block forever);
* inside the **tree** of the scenario named on the command line (its folder and every folder
  below it), inside the bundled ``scenarios/`` folder of this checkout, or inside a folder the
  person running the command trusts by listing it in the environment variable
  :data:`SEARCH_PATH_VARIABLE` (folders separated by ``:``, ``;`` on Windows). Links are
  followed before the check, so a link inside the tree that points out of it is refused.

The check comes before the file is opened, so a refusal tells nothing about files outside (not
even whether they exist). A file that is let through and is not a YAML map is refused without
quoting it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

#: The environment variable listing further folders whose scenario files any scenario may extend.
SEARCH_PATH_VARIABLE = "SIM_SCENARIO_PATH"

#: Endings a parent scenario's file name must have.
SUFFIXES = (".yaml", ".yml")

_CHECKOUT = Path(__file__).resolve().parents[2]


def bundled_folder() -> Path | None:
    """The bundled ``scenarios/`` folder when running from a checkout of this project, or None."""
    folder = _CHECKOUT / "scenarios"
    is_checkout = (_CHECKOUT / "pyproject.toml").is_file() and folder.is_dir()
    return folder if is_checkout else None


@dataclass(frozen=True)
class Trusted:
    """The folders parents may come from: the scenario's own tree and the search path.

    Attributes:
        tree: the folder of the scenario named first (resolved).
        search: further trusted folders (resolved): the bundled scenarios, then the search path.
    """

    tree: Path
    search: tuple[Path, ...]

    @classmethod
    def of(cls, scenario: Path) -> Trusted:
        """The trusted folders for ``scenario``, the file a command or a notebook named."""
        listed = os.environ.get(SEARCH_PATH_VARIABLE, "").split(os.pathsep)
        bundled = bundled_folder()
        folders = [*([bundled] if bundled else []), *(Path(p) for p in listed if p.strip())]
        return cls(_real(scenario.parent), tuple(_real(f) for f in folders))

    def holds(self, path: Path) -> bool:
        """True when ``path`` (resolved) lies inside a trusted folder."""
        return any(path.is_relative_to(folder) for folder in (self.tree, *self.search))


def _real(path: Path) -> Path:
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):  # ValueError: a NUL character
        return path.absolute()


def parent_problem(written: str, parent: Path, trusted: Trusted) -> str | None:
    """Why ``extends: written`` (resolving to ``parent``) may not be read, or None if it may."""
    if not written.endswith(SUFFIXES):
        return (
            f"parent scenario {written!r} is not a .yaml or .yml file; extends names another "
            "scenario file, e.g. extends: base.yaml"
        )
    real = _real(parent)
    if not trusted.holds(real):
        return (
            f"parent scenario {written!r} is outside this scenario's folder ({trusted.tree}); a "
            "scenario may extend only files in its own folder tree, or in folders listed in "
            f"{SEARCH_PATH_VARIABLE} (docs/scenarios.md §14): move the parent beside it, or run "
            f"with {SEARCH_PATH_VARIABLE}=FOLDER if you trust that folder"
        )
    try:
        mode = real.stat().st_mode
    except (OSError, ValueError):
        return f"parent scenario {written!r} not found (looked for {parent})"
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a device or a named pipe, not a file"
        return f"parent scenario {written!r} is {kind}; extends names a scenario .yaml file"
    return None
