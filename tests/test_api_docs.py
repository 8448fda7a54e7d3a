"""docs/api.md: every Python example on the page runs, in order, as a reader would run them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "api.md"


def examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


def test_the_page_has_examples():
    assert len(examples()) >= 6


@pytest.mark.slow
def test_every_example_on_the_api_page_runs(tmp_path, monkeypatch, capsys):
    # A folder of the reader's own, holding the project's scenarios: the examples write their
    # store and exports under its reports/, never into the checkout.
    for name in ("scenarios", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for number, code in enumerate(examples(), start=1):
        try:
            exec(compile(code, f"docs/api.md example {number}", "exec"), namespace)
        except Exception as err:  # pragma: no cover - the message says which example failed
            pytest.fail(f"example {number} of docs/api.md failed: {type(err).__name__}: {err}")
    assert (tmp_path / "reports" / "results.sqlite").exists()
    assert "captured in" in capsys.readouterr().out
