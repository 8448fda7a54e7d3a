"""``python -m sim.validation``: regenerate docs/validation.md and its figures."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim.validation.report import COMMAND, QUICK, Settings, write_report


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, write the page, say where it went."""
    parser = argparse.ArgumentParser(prog="python -m sim.validation", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/validation.md"), help="the page")
    parser.add_argument("--jobs", type=int, default=Settings().jobs, help="worker processes")
    parser.add_argument("--quick", action="store_true", help="tiny runs: check it works")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else Settings(jobs=args.jobs)
    started = time.perf_counter()
    out = write_report(args.out, settings)
    print(f"wrote {out} in {time.perf_counter() - started:.0f} s ({COMMAND})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
