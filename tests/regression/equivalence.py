"""Statistical equivalence of two model revisions on every bundled scenario.

A model revision that changes how a replication is computed but not what it models (revision 4:
false tips served by arithmetic, a new tip path) must give every record field the same law.
Identical records are not expected (random numbers are drawn in another order), so the check is
statistical: the old revision's replications are summarised once into a reference file, and the
new revision's are compared with it field by field.

    python tests/regression/equivalence.py record --runs 2000 --out rev3.json   # old revision
    python tests/regression/equivalence.py compare rev3.json --runs 2000        # new revision

For each scenario and field the comparison gives the difference of means with its 95 % interval
(Welch), a z score, and for the time to capture a two-sample Kolmogorov-Smirnov test. Run from the
repository root; the two runs use different master seeds so the samples are independent.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sim.model.replication import Model  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

SCENARIOS = sorted(
    str(p.relative_to(ROOT))
    for p in [*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("scenarios/reforms/*.yaml")]
)
#: Record fields that are numbers to compare (not labels, not the event count).
SKIP = {"replication", "capture_how", "capture_by", "sim_events", "capture_day"}


def sample(path: str, runs: int, seed: int) -> dict[str, list[float]]:
    """Every numeric field of ``runs`` replications of a scenario, plus capture days."""
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
    fields["capture_day_if_captured"] = days
    return fields


def record(runs: int, seed: int, out: Path) -> None:
    """Write the reference: every field's values, per scenario."""
    data = {"runs": runs, "seed": seed, "scenarios": {}}
    for path in SCENARIOS:
        print(f"{path}...", file=sys.stderr, flush=True)
        data["scenarios"][path] = sample(path, runs, seed)
    out.write_text(json.dumps(data))


def compare(reference: Path, runs: int, seed: int, out: Path | None) -> int:
    """Compare this revision with the reference; print a table; return the worst |z| as code."""
    from scipy import stats

    ref = json.loads(reference.read_text())
    rows = []
    for path, old in ref["scenarios"].items():
        new = sample(path, runs, seed)
        for key in sorted(old):
            a, b = np.array(old[key]), np.array(new.get(key, []))
            if key == "capture_day_if_captured":
                ks = stats.ks_2samp(a, b) if len(a) > 1 and len(b) > 1 else None
                rows.append(
                    (
                        path,
                        "time to capture (KS)",
                        len(a),
                        len(b),
                        ks.statistic if ks else math.nan,
                        ks.pvalue if ks else math.nan,
                    )
                )
                continue
            diff = b.mean() - a.mean()
            se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
            z = diff / se if se > 0 else 0.0
            rows.append((path, key, a.mean(), b.mean(), diff, z, se))
    lines = [
        "| scenario | field | revision 3 | revision 4 | difference (95 %) | z |",
        "|---|---|---|---|---|---|",
    ]
    worst = 0.0
    for row in rows:
        if row[1] == "time to capture (KS)":
            lines.append(
                f"| `{Path(row[0]).stem}` | time to capture | n={row[2]} | n={row[3]} | KS D={row[4]:.3f} | p={row[5]:.3f} |"
            )
            continue
        path, key, ma, mb, diff, z, se = row
        worst = max(worst, abs(z))
        lines.append(
            f"| `{Path(path).stem}` | {key} | {ma:.4g} | {mb:.4g} | {diff:+.4g} [{diff - 1.96 * se:+.3g}, {diff + 1.96 * se:+.3g}] | {z:+.2f} |"
        )
    text = "\n".join(lines)
    print(text)
    if out:
        out.write_text(text + "\n")
    zs = [abs(r[5]) for r in rows if r[1] != "time to capture (KS)"]
    ps = [r[5] for r in rows if r[1] == "time to capture (KS)"]
    print(
        f"\n{len(zs)} means compared: largest |z| {max(zs):.2f}; {sum(z > 3 for z in zs)} beyond 3; "
        f"KS p-values: smallest {min(ps):.3f}",
        file=sys.stderr,
    )
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("--runs", type=int, default=2000)
    rec.add_argument("--seed", type=int, default=3)
    rec.add_argument("--out", type=Path, required=True)
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("reference", type=Path)
    cmp_.add_argument("--runs", type=int, default=2000)
    cmp_.add_argument("--seed", type=int, default=4)
    cmp_.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.command == "record":
        record(args.runs, args.seed, args.out)
    else:
        sys.exit(compare(args.reference, args.runs, args.seed, args.out))


if __name__ == "__main__":
    main()
