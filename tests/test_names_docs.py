"""docs/names.md states the convention probabilities the code uses."""

from __future__ import annotations

from pathlib import Path

from sim.names.conventions import BY_NAME, CONVENTIONS, RULES

DOC = Path(__file__).resolve().parent.parent / "docs" / "names.md"


def test_the_respell_table_is_the_code():
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("<!-- respell table"))
    header = "| rule | " + " | ".join(f"`{c}`" for c in CONVENTIONS) + " |"
    expected = [header, "|---|" + "---|" * len(CONVENTIONS)]
    for rule in RULES:
        cells = " | ".join(f"{BY_NAME[c].respell[rule]:g}" for c in CONVENTIONS)
        expected.append(f"| `{rule}` | {cells} |")
    assert lines[start + 1 : start + 1 + len(expected)] == expected


def test_every_rule_is_explained():
    text = DOC.read_text(encoding="utf-8")
    for rule in RULES:
        assert f"| `{rule}` | " in text.split("<!-- respell table")[0], rule
