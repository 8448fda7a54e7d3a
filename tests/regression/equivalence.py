"""Statistical equivalence of two model revisions on every bundled scenario.

A model revision that changes how a replication is computed but not what it models (revision 4:
false tips served by arithmetic, a new tip path) must give every record field the same law.
Identical records are not expected (random numbers are drawn in another order), so the check is
statistical: the old revision's replications are summarised once into a reference file, and the
new revision's are compared with it field by field::

    python tests/regression/equivalence.py record --runs 2000 --out rev3.json   # old checkout
    python tests/regression/equivalence.py compare rev3.json --runs 2000 --rev3-containment

For each scenario and numeric record field the comparison gives the difference of means with its
95 % interval (Welch) and a z score; for the time to capture, a two-sample Kolmogorov-Smirnov
test. The two runs use different master seeds, so the samples are independent.

Revision 4 also corrects containment (a deliberate change of the model, not of its computation):
``--rev3-containment`` puts revision 3's rule back for the comparison, so that what is compared
is only the new computation.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sim.model.replication import Model  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

#: Record fields that are labels or bookkeeping, not quantities of the model.
SKIP = {"replication", "capture_how", "capture_by", "sim_events", "capture_day"}
KS = "time to capture"


def scenarios() -> list[str]:
    """The bundled Brussels scenarios and reforms, as paths from the repository root."""
    found = [*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("scenarios/reforms/*.yaml")]
    return sorted(str(p.relative_to(ROOT)) for p in found)


def sample(path: str, runs: int, seed: int) -> dict[str, list[float]]:
    """Every numeric field of ``runs`` replications of a scenario, plus the capture days."""
    scenario = load_scenario(ROOT / path)
    fields: dict[str, list[float]] = {}
    days: list[float] = []
    for r in range(runs):
        record = Model(scenario, seed, r).run()
        for key, value in record.items():
            if key not in SKIP and isinstance(value, int | float):
                fields.setdefault(key, []).append(float(value))
        if record["captured"]:
            days.append(round(float(record["capture_day"]), 4))
    fields[KS] = days
    return fields


def record(runs: int, seed: int, out: Path) -> None:
    """Write the reference: every field's values, per scenario."""
    data: dict[str, Any] = {"runs": runs, "seed": seed, "scenarios": {}}
    for path in scenarios():
        print(f"{path}...", file=sys.stderr, flush=True)
        data["scenarios"][path] = sample(path, runs, seed)
    out.write_text(json.dumps(data))


def rev3_containment() -> None:
    """Put revision 3's containment back: slip-out drawn once, only if inside at the deferral.

    Revision 3 watched one address at a time, gave a slip-out clock only to a fugitive inside
    when the search was deferred, and ended the watch at a slip-out.
    """
    from sim.model import fugitive as module

    cls = module.Fugitive
    original_flee = cls.flee

    def no_hazard(self: Any, rate: float) -> Callable[[], float]:
        self._legacy_rate = rate
        return lambda: 0.0

    def watch(self: Any, address: str, until: float) -> None:
        self.watched = {address: until}
        rate = self._legacy_rate
        if self.house == address and rate > 0:
            slip_in = self._slip.stream.exp1() / rate
            if slip_in < until - self.env.now:
                self.env.timeout(slip_in).callbacks.append(lambda _e: slips(self, address))

    def slips(self: Any, address: str) -> None:
        place = self.place
        if self.house == address and self.flee("slipped out of the watched address"):
            self.ctx.seen.note(module.Seen.CONTAINMENT_ESCAPE, place=place, detail=address)

    def flee(self: Any, why: str) -> bool:
        if original_flee(self, why):
            self.watched.clear()
            return True
        return False

    cls._slip_rate = no_hazard  # type: ignore[method-assign]
    cls.watch = watch  # type: ignore[method-assign]
    cls.flee = flee  # type: ignore[method-assign]


def _mean_row(path: str, key: str, a: np.ndarray, b: np.ndarray) -> tuple[str, float]:
    diff = b.mean() - a.mean()
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    z = diff / se if se > 0 else 0.0
    low, high = diff - 1.96 * se, diff + 1.96 * se
    cells = f"{a.mean():.4g} | {b.mean():.4g} | {diff:+.4g} [{low:+.3g}, {high:+.3g}] | {z:+.2f}"
    return f"| `{Path(path).stem}` | {key} | {cells} |", abs(z)


def compare(reference: Path, runs: int, seed: int, out: Path | None) -> None:
    """Compare this revision with the reference; print a Markdown table and a summary."""
    from scipy import stats

    ref = json.loads(reference.read_text())
    lines = [
        "| scenario | field | revision 3 | revision 4 | difference (95 %) | z or KS p |",
        "|---|---|---|---|---|---|",
    ]
    zs: list[float] = []
    ks_p: list[float] = []
    for path, old in ref["scenarios"].items():
        new = sample(path, runs, seed)
        for key in sorted(old):
            mine = KS if key in (KS, "capture_day_if_captured") else key  # an earlier name
            a, b = np.array(old[key]), np.array(new.get(mine, []))
            if mine == KS:
                test = stats.ks_2samp(a, b)
                ks_p.append(float(test.pvalue))
                cells = f"n={len(a)} | n={len(b)} | D={test.statistic:.3f} | p={test.pvalue:.3f}"
                lines.append(f"| `{Path(path).stem}` | {KS} | {cells} |")
                continue
            if a.std() == 0 and b.std() == 0 and a.mean() == b.mean():
                continue  # a field this scenario never moves
            line, z = _mean_row(path, key, a, b)
            lines.append(line)
            zs.append(z)
    text = "\n".join(lines)
    summary = (
        f"{len(zs)} means compared: largest |z| {max(zs):.2f}, {sum(z > 3 for z in zs)} beyond 3 "
        f"(expected by chance about {len(zs) * 0.0027:.1f}); {len(ks_p)} time-to-capture KS "
        f"tests: smallest p {min(ks_p):.3f}"
    )
    print(text)
    print(summary, file=sys.stderr)
    if out:
        out.write_text(text + "\n\n" + summary + "\n")


def main() -> None:
    """Command line: ``record`` a reference, or ``compare`` with one."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record", help="summarise this checkout's replications")
    rec.add_argument("--runs", type=int, default=2000)
    rec.add_argument("--seed", type=int, default=3)
    rec.add_argument("--out", type=Path, required=True)
    cmp_ = sub.add_parser("compare", help="compare this checkout with a reference")
    cmp_.add_argument("reference", type=Path)
    cmp_.add_argument("--runs", type=int, default=2000)
    cmp_.add_argument("--seed", type=int, default=4)
    cmp_.add_argument("--out", type=Path)
    cmp_.add_argument("--rev3-containment", action="store_true")
    args = parser.parse_args()
    if args.command == "record":
        record(args.runs, args.seed, args.out)
        return
    if args.rev3_containment:
        rev3_containment()
    compare(args.reference, args.runs, args.seed, args.out)


if __name__ == "__main__":
    main()
