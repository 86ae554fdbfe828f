"""The browser helper (tests/browser.py) must be able to both PASS and FAIL.

Real headless Chromium, no mocks.  Skipped only when Chromium is missing.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from browser import (
    assert_report_renders,
    find_chromium,
    inspect_page,
    png_is_blank,
    screenshot,
)
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

needs_chromium = pytest.mark.skipif(
    find_chromium() is None,
    reason="Chromium not installed: run scripts/install_test_tools.sh",
)


def _chart_png(width_in: float, height_in: float, dpi: int, colour: str) -> bytes:
    """A small matplotlib bar chart as PNG bytes (no pyplot global state)."""
    fig = Figure(figsize=(width_in, height_in), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.bar(["a", "b", "c"], [3, 1, 2], color=colour)
    ax.set_title("close rate")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _page(
    tmp_path: Path, body: str, *, head: str = "", name: str = "report.html"
) -> Path:
    path = tmp_path / name
    path.write_text(
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<title>Calibration report</title>"
        "<style>body{font-family:sans-serif;margin:2em;color:#222;background:#fff}"
        "h1{color:#1a4d8f}</style>"
        f"{head}</head>\n<body><h1>Calibration report</h1>"
        "<p>Close rates by attribute, with honest intervals.</p>\n"
        f"{body}\n</body></html>\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def charts() -> list[tuple[str, int, int]]:
    """Two valid inline PNGs as (data URI, pixel width, pixel height)."""
    return [
        (_data_uri(_chart_png(4, 3, 50, "tab:blue")), 200, 150),
        (_data_uri(_chart_png(3, 2, 60, "tab:orange")), 180, 120),
    ]


def _imgs(charts: list[tuple[str, int, int]]) -> str:
    return "\n".join(
        f"<figure><img src='{uri}' alt='chart {i}'></figure>"
        for i, (uri, _, _) in enumerate(charts)
    )


@needs_chromium
def test_good_page_passes(tmp_path: Path, charts: list[tuple[str, int, int]]) -> None:
    page = _page(tmp_path, _imgs(charts))
    artefacts = tmp_path / "artefacts"

    facts = assert_report_renders(page, artefacts)

    png = artefacts / "report.png"
    assert png.is_file() and png.stat().st_size > 0
    assert facts["screenshot"] == png.resolve()
    assert not png_is_blank(png)
    assert facts["title"] == "Calibration report"
    assert facts["text_length"] > 20
    assert facts["network_requests"] == []
    assert facts["loaded"] is True
    assert [
        (img["complete"], img["natural_width"], img["natural_height"], img["alt"])
        for img in facts["images"]
    ] == [(True, 200, 150, "chart 0"), (True, 180, 120, "chart 1")]
    assert all(
        img["src_prefix"].startswith("data:image/png;base64,")
        for img in facts["images"]
    )
    assert all(len(img["src_prefix"]) == 40 for img in facts["images"])


@needs_chromium
def test_broken_data_uri_image_fails(
    tmp_path: Path, charts: list[tuple[str, int, int]]
) -> None:
    body = (
        _imgs(charts[:1]) + "<img src='data:image/png;base64,AAAA' alt='broken chart'>"
    )
    page = _page(tmp_path, body)

    with pytest.raises(AssertionError, match=r"1 broken image\(s\) of 2") as excinfo:
        assert_report_renders(page, tmp_path / "artefacts")

    message = str(excinfo.value)
    assert "broken chart" in message
    assert "chart 0" not in message  # the valid image is not reported
    assert "network" not in message


@needs_chromium
@pytest.mark.parametrize(
    ("head", "body", "url"),
    [
        pytest.param(
            "",
            "<img src='http://203.0.113.1/x.png' alt='remote'>",
            "http://203.0.113.1/x.png",
            id="remote-img",
        ),
        pytest.param(
            "<link rel='stylesheet' href='https://example.invalid/x.css'>",
            "",
            "https://example.invalid/x.css",
            id="remote-stylesheet",
        ),
    ],
)
def test_network_request_fails(
    tmp_path: Path, charts: list[tuple[str, int, int]], head: str, body: str, url: str
) -> None:
    page = _page(tmp_path, _imgs(charts) + body, head=head)

    facts = inspect_page(page)
    assert url in facts["network_requests"]
    assert facts["loaded"] is True  # the refused request did not hang the page

    with pytest.raises(
        AssertionError, match=r"1 network request\(s\) attempted"
    ) as excinfo:
        assert_report_renders(page, tmp_path / "artefacts")
    assert url in str(excinfo.value)


@needs_chromium
def test_page_without_images_fails(tmp_path: Path) -> None:
    page = _page(tmp_path, "<p>No charts here.</p>")
    with pytest.raises(AssertionError, match="no images"):
        assert_report_renders(page, tmp_path / "artefacts")


@needs_chromium
def test_blank_screenshot_is_detected(tmp_path: Path) -> None:
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><html><body style='background:#fff'></body></html>")
    png = screenshot(page, tmp_path / "blank.png", width=400, height=300)
    assert png_is_blank(png)


@needs_chromium
def test_report_file_is_not_modified(
    tmp_path: Path, charts: list[tuple[str, int, int]]
) -> None:
    page = _page(tmp_path, _imgs(charts))
    before = page.read_bytes()
    inspect_page(page)
    assert page.read_bytes() == before
    assert b"<script" not in page.read_bytes()
