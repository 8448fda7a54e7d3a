"""The report in a real browser: headless Chromium opens it offline, every image loads, no errors.

Skipped (with the reason) only where no Chromium is installed; ``.ci/run`` installs Debian's.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from headless import Chromium, find_chromium


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Chromium:
    executable = find_chromium()
    if executable is None:
        pytest.skip("no Chromium found (apt-get install chromium); the browser test needs one")
    chromium = Chromium(executable, tmp_path_factory.mktemp("chromium-profile"))
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def opened(browser: Chromium, two_scenario_report: Path) -> tuple[Chromium, Path]:
    browser.events.clear()  # only what this page does counts
    browser.open(two_scenario_report.as_uri())
    return browser, two_scenario_report.parent


def test_every_image_loads(opened: tuple[Chromium, Path]) -> None:
    browser, _ = opened
    images = browser.evaluate(
        "Array.from(document.images).map(i => ({src: i.src, done: i.complete, w: i.naturalWidth}))"
    )
    assert len(images) >= 5, images
    broken = [i["src"] for i in images if not i["done"] or i["w"] == 0]
    assert not broken, f"images that did not load: {broken}"
    names = {Path(i["src"]).stem for i in images}
    assert {"rates", "survival", "waterfall", "timeline"} <= names, names


def test_no_console_errors_and_no_network(opened: tuple[Chromium, Path]) -> None:
    browser, folder = opened
    assert browser.problems() == []
    urls = browser.requested_urls()
    assert urls, "the page requested nothing, not even itself"
    outside = [u for u in urls if not u.startswith(folder.as_uri())]
    assert outside == [], f"requests outside the report's folder: {outside}"


def test_stylesheet_applies(opened: tuple[Chromium, Path]) -> None:
    browser, _ = opened
    assert browser.evaluate("getComputedStyle(document.body).maxWidth") == "1100px"
    assert browser.evaluate("document.querySelectorAll('section h2').length") == 7


def test_screenshot_shows_the_whole_page(opened: tuple[Chromium, Path], tmp_path: Path) -> None:
    browser, _ = opened
    shot = browser.screenshot(tmp_path / "report.png")
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    page_height = browser.evaluate("document.documentElement.scrollHeight")
    assert 1200 <= width <= 1280  # the window, less a scroll bar
    assert height >= page_height > 3000, (height, page_height)


def test_the_checks_catch_a_broken_page(browser: Chromium, tmp_path: Path) -> None:
    """The same checks on a page with a missing image, a console error and a network request."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><body><img src='missing.png'>"
        "<img src='http://127.0.0.1:9/far.png'><script>console.error('boom')</script>"
        "</body></html>",
        encoding="utf-8",
    )
    browser.events.clear()
    browser.open(page.as_uri())
    widths = browser.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
    assert widths == [0, 0]
    problems = browser.problems()
    assert any("boom" in p for p in problems), problems
    assert any(p.startswith("failed request") for p in problems), problems
    assert any(u.startswith("http://127.0.0.1:9/") for u in browser.requested_urls())
