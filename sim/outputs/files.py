"""Writing output files atomically: a reader never sees half a report, ledger or story.

Each file is written to a temporary file in its own folder and moved into place with
:func:`os.replace`, which is atomic on POSIX and Windows file systems.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def _file_mode() -> int:
    """Permissions of a new file under this process's umask (what ``open`` would give)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _file_mode()


@contextmanager
def atomic_writer(path: str | Path, binary: bool = False) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` in one step.

    Args:
        path: the file to (over)write; its folder must exist.
        binary: open in binary mode instead of UTF-8 text.
    """
    target = Path(path)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        mode = "wb" if binary else "w"
        encoding = None if binary else "utf-8"
        newline = None if binary else ""
        with os.fdopen(handle, mode, encoding=encoding, newline=newline) as stream:
            yield stream
        os.chmod(temporary, _FILE_MODE)  # mkstemp makes 0600 files; others may serve the report
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically and return the path."""
    with atomic_writer(path) as stream:
        stream.write(text)
    return Path(path)


def slug(name: str) -> str:
    """A file-name-safe form of a scenario name (letters, digits, dot, dash, underscore)."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "-" for c in name)
    return re.sub("-{2,}", "-", cleaned).strip(".-") or "scenario"  # "a --set b" is "a-set-b"


#: Longest folder or file name made from scenario names (most file systems allow 255 bytes; a
#: name a reader can take in at a glance is far shorter).
MAX_NAME = 60


def short_hash(text: str) -> str:
    """Eight hex digits of the SHA-256 of ``text``: tells apart names that are cut short."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def shorten(name: str, most: int = MAX_NAME) -> str:
    """``name`` if it is at most ``most`` characters, else its start and a hash of the whole.

    The start is cut back to the last dash that fits, so it ends on a whole word; the eight hex
    digits after it keep two long names that share their start apart (``compare-brussels-2015-
    vs-reform-bilingual-desk-vs-...`` becomes ``compare-brussels-2015-vs-reform-bilingual-desk-
    3f2a91c0``).
    """
    if len(name) <= most:
        return name
    digest = short_hash(name)
    start = name[: most - len(digest) - 1]
    if "-" in start[len(start) // 2 :]:
        start = start[: start.rindex("-")]
    return f"{start.rstrip('-.')}-{digest}"
