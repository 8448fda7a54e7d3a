"""Saving figures: PNG and SVG, atomically, with provenance metadata, inside one output folder.

A reader (a browser showing the report, another process) must never see half a file, so each image
is written to a temporary file in the same folder and moved into place (:mod:`sim.outputs.files`).
Names are plain file names: a figure is never written outside the folder it was asked for.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
from matplotlib.figure import Figure
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from sim.outputs.files import atomic_writer
from sim.outputs.plots.style import Provenance

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: Resolution of PNG files: about 1,000 pixels across for a 8.5-inch figure.
PNG_DPI = 120

#: Fixed SVG id salt and fonts as text: the same figure gives the same SVG file, small and
#: searchable.
_SVG_RC: dict[RcKeyType, str] = {"svg.hashsalt": "brussels-sim", "svg.fonttype": "none"}


def save_figure(figure: Figure, folder: str | Path, stem: str) -> tuple[Path, Path]:
    """Write ``figure`` as ``folder/stem.png`` and ``folder/stem.svg``.

    The figure must have been finished with :func:`sim.outputs.plots.style.finish` (its title and
    provenance go into each file's metadata).

    Args:
        figure: the figure.
        folder: the output folder (created if missing).
        stem: the file name without extension, e.g. ``"survival"``.

    Returns:
        The PNG and SVG paths.

    Raises:
        ValueError: ``stem`` is not a plain file name, or the figure has no provenance.
    """
    title: str | None = getattr(figure, "sim_title", None)
    provenance: Provenance | None = getattr(figure, "sim_provenance", None)
    if title is None or provenance is None:
        raise ValueError("finish the figure with sim.outputs.plots.style.finish before saving it")
    target = Path(folder)
    png = _inside(target, f"{stem}.png")
    svg = _inside(target, f"{stem}.svg")
    target.mkdir(parents=True, exist_ok=True)
    with mpl.rc_context(_SVG_RC), warnings.catch_warnings():
        # Names may hold emoji or scripts the font lacks: they show as boxes, and one warning
        # per glyph and file would bury the command's output.
        warnings.filterwarnings(
            "ignore", message="Glyph .* missing from font", category=UserWarning
        )
        _atomic(figure, png, "png", provenance.png_metadata(title), PNG_DPI)
        _atomic(figure, svg, "svg", provenance.svg_metadata(title), None)
    return png, svg


def _inside(folder: Path, name: str) -> Path:
    """``folder/name``, refusing names that would land anywhere else."""
    if not name or name != Path(name).name or name.startswith(".") or name in ("..", "."):
        raise ValueError(f"{name!r} is not a plain file name")
    path = folder / name
    if path.resolve().parent != folder.resolve():
        raise ValueError(f"{name!r} would be written outside {folder}")
    return path


def _atomic(
    figure: Figure, path: Path, fmt: str, metadata: dict[str, str], dpi: float | None
) -> None:
    if fmt == "png":
        data = _small_png(figure, metadata, dpi or PNG_DPI)
        with atomic_writer(path, binary=True) as stream:
            stream.write(data)
        return
    with atomic_writer(path, binary=True) as stream:
        figure.savefig(stream, format=fmt, metadata=metadata)


def _small_png(figure: Figure, metadata: dict[str, str], dpi: float) -> bytes:
    """The figure as a PNG with a 256-colour palette: a third of the size, no visible loss.

    Charts have few distinct colours; only anti-aliased edges use more, and the palette keeps
    them smooth. The provenance goes into the PNG's text chunks.
    """
    raw = io.BytesIO()
    figure.savefig(raw, format="png", dpi=dpi)
    raw.seek(0)
    with Image.open(raw) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    info = PngInfo()
    for key, value in metadata.items():
        info.add_text(key, value)
    out = io.BytesIO()
    small.save(out, format="PNG", pnginfo=info, optimize=True)
    return out.getvalue()
