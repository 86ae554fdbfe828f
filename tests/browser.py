"""Headless-Chromium checks for the self-contained HTML report (test helper).

The report written by ``calibrate`` must render offline: inline CSS, charts as
inline ``data:image/png;base64,...`` images, no JavaScript, and no request to
the network.  This module drives a real browser (Debian's ``chromium``, see
``scripts/install_test_tools.sh``) to check exactly that, using only the standard
library plus matplotlib/PIL (already dependencies) to decode the screenshot.

How the live DOM is read without extra Python packages (no CDP client):
:func:`inspect_page` copies the HTML into a temporary directory, injects a
small test-only ``<script>`` before the last ``</body>`` which, on
``window.load``, serialises facts (``document.images``,
``performance.getEntriesByType("resource")``, ...) as JSON into a
``<pre id="__facts__">`` element, runs ``chromium --headless --dump-dom`` on
the copy and parses the JSON back out of the dumped DOM.  The report itself
is never modified.

Typical use in a test::

    facts = assert_report_renders(tmp_path / "report.html", tmp_path)
    assert len(facts["images"]) == 3

Tests that use it should be skipped when :func:`find_chromium` returns None.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Any

__all__ = [
    "CHROMIUM_FLAGS",
    "ChromiumError",
    "assert_report_renders",
    "find_chromium",
    "inspect_page",
    "png_is_blank",
    "screenshot",
]

#: Flags needed to run Chromium headless as root on a machine without network.
#: The background-networking/component-update/sync flags stop Chromium from
#: phoning home (those connections are refused here and only add noise/delay).
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
)

#: Virtual time (ms) Chromium lets the page run before dumping/screenshotting.
VIRTUAL_TIME_BUDGET_MS = 5000

#: Wall-clock limit (s) for one Chromium run.
TIMEOUT_S = 120

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FACTS_ID = "__facts__"
_FACTS_RE = re.compile(r'<pre id="__facts__"[^>]*>(.*?)</pre>', re.DOTALL)
_CSP_META_RE = re.compile(
    r"<meta\b[^>]*http-equiv\s*=\s*[\"']?content-security-policy[^>]*>", re.IGNORECASE
)
_BODY_END_RE = re.compile(r"</body\s*>", re.IGNORECASE)

# Test-only script injected into a temporary copy of the page.  It writes the
# facts once at DOMContentLoaded (``loaded: false``) and again at window.load
# (``loaded: true``), so a page whose load event never fires still reports.
_INJECTED_SCRIPT = """
<script>
(function () {
  "use strict";
  var LOAD_RELS = ["stylesheet", "icon", "shortcut", "apple-touch-icon", "preload",
                   "prefetch", "preconnect", "dns-prefetch", "modulepreload", "manifest",
                   "prerender"];
  function referencedUrls() {
    // URLs referenced by loading attributes in the live DOM (belt and braces:
    // e.g. <link rel=preconnect> opens a connection but has no resource entry).
    var urls = [];
    document.querySelectorAll("[src]").forEach(function (el) {
      var v = el.src || el.getAttribute("src");
      if (v) { urls.push(String(v)); }
    });
    document.querySelectorAll("link[href]").forEach(function (el) {
      var rels = (el.getAttribute("rel") || "").toLowerCase().split(/\\s+/);
      if (rels.some(function (r) { return LOAD_RELS.indexOf(r) >= 0; })) {
        urls.push(String(el.href));
      }
    });
    document.querySelectorAll("object[data]").forEach(function (el) {
      urls.push(String(el.data));
    });
    document.querySelectorAll("video[poster]").forEach(function (el) {
      urls.push(String(el.poster));
    });
    return urls;
  }
  function facts(loaded) {
    var body = document.body;
    return {
      loaded: loaded,
      title: document.title,
      text_length: body ? (body.innerText || "").trim().length : 0,
      images: Array.prototype.map.call(document.images, function (img) {
        return {
          src_prefix: String(img.currentSrc || img.src || img.getAttribute("src") || "").slice(0, 40),
          complete: img.complete,
          natural_width: img.naturalWidth,
          natural_height: img.naturalHeight,
          alt: img.getAttribute("alt") || ""
        };
      }),
      resources: performance.getEntriesByType("resource").map(function (e) {
        return {name: e.name, initiator_type: e.initiatorType};
      }),
      referenced_urls: referencedUrls(),
      page_url: String(location.href)
    };
  }
  function write(loaded) {
    var pre = document.getElementById("__facts__");
    if (!pre) {
      pre = document.createElement("pre");
      pre.id = "__facts__";
      pre.style.display = "none";
      document.documentElement.appendChild(pre);
    }
    var data;
    try { data = facts(loaded); } catch (err) { data = {error: String(err), loaded: loaded}; }
    pre.textContent = JSON.stringify(data);
  }
  document.addEventListener("DOMContentLoaded", function () { write(false); });
  window.addEventListener("load", function () { write(true); });
})();
</script>
"""


class ChromiumError(RuntimeError):
    """Chromium failed to run, timed out, or produced no usable output."""


def find_chromium() -> str | None:
    """Return the path of a Chromium/Chrome binary, or None if none is installed.

    Looks on ``PATH`` for ``chromium``, ``chromium-browser``, ``google-chrome``
    and ``google-chrome-stable``, then at ``/usr/bin/chromium``.
    """
    for name in _CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return None


def _require_chromium() -> str:
    path = find_chromium()
    if path is None:
        raise ChromiumError("Chromium not installed: run scripts/install_test_tools.sh")
    return path


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _run_chromium(
    args: list[str], *, timeout: float = TIMEOUT_S
) -> subprocess.CompletedProcess[str]:
    """Run Chromium with the standard flags and a fresh, temporary profile.

    Chromium is started in its own process group so that on timeout the whole
    group (browser, zygote, renderers) is killed, not just the parent.
    """
    binary = _require_chromium()
    with tempfile.TemporaryDirectory(prefix="calibrate-chromium-") as profile:
        cmd = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            stdout, stderr = proc.communicate()
            raise ChromiumError(
                f"Chromium timed out after {timeout:.0f} s: {' '.join(cmd)}\n"
                f"--- stderr (tail) ---\n{_tail(stderr)}"
            ) from None
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def screenshot(
    html_path: Path, png_path: Path, *, width: int = 1280, height: int = 2400
) -> Path:
    """Render ``html_path`` in headless Chromium and save a PNG screenshot.

    The viewport is ``width`` x ``height`` pixels (tall by default, so most of
    a report fits: "full-page-ish").  Returns ``png_path``.

    Raises:
        ChromiumError: Chromium is missing, exits non-zero, times out, or the
            PNG is missing or empty.  The message ends with Chromium's stderr.
    """
    html_path = Path(html_path).resolve()
    png_path = Path(png_path).resolve()
    if not html_path.is_file():
        raise FileNotFoundError(html_path)
    png_path.parent.mkdir(parents=True, exist_ok=True)
    png_path.unlink(missing_ok=True)
    result = _run_chromium(
        [
            f"--screenshot={png_path}",
            f"--window-size={width},{height}",
            "--hide-scrollbars",
            f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}",
            html_path.as_uri(),
        ]
    )
    if result.returncode != 0 or not png_path.is_file() or png_path.stat().st_size == 0:
        state = (
            "missing" if not png_path.is_file() else f"{png_path.stat().st_size} bytes"
        )
        raise ChromiumError(
            f"Chromium screenshot of {html_path} failed (exit code {result.returncode}, "
            f"PNG {png_path} {state}).\n--- stderr (tail) ---\n{_tail(result.stderr)}"
        )
    return png_path


def _instrumented_copy(html_path: Path, directory: Path) -> Path:
    """Copy the page into ``directory`` with the facts script injected.

    Any ``<meta http-equiv="Content-Security-Policy">`` is dropped from the copy
    so it cannot block the injected script (this also makes the request check
    stricter: requests the CSP would have blocked are still seen).
    """
    text = html_path.read_text(encoding="utf-8", errors="surrogateescape")
    text = _CSP_META_RE.sub("", text)
    ends = list(_BODY_END_RE.finditer(text))
    if ends:
        cut = ends[-1].start()
        text = text[:cut] + _INJECTED_SCRIPT + text[cut:]
    else:
        text = text + _INJECTED_SCRIPT
    copy = directory / html_path.name
    copy.write_text(text, encoding="utf-8", errors="surrogateescape")
    return copy


def _is_local_or_self(url: str, page_url: str) -> bool:
    if not url:
        return True
    scheme = url.split(":", 1)[0].lower()
    if scheme in {"data", "blob", "about", "javascript"}:
        return True
    return url.split("#", 1)[0] == page_url.split("#", 1)[0]


def inspect_page(html_path: Path) -> dict[str, Any]:
    """Load ``html_path`` in headless Chromium and return facts from the live DOM.

    Returns a dict with:

    * ``images``: one ``{"src_prefix", "complete", "natural_width",
      "natural_height", "alt"}`` dict per ``<img>`` (``src_prefix`` is the first
      40 characters of the resolved source);
    * ``title``: ``document.title``;
    * ``text_length``: length of the body's visible text (``innerText``);
    * ``network_requests``: every URL the page tried to load other than
      ``data:``/``blob:``/``about:`` URLs and the page itself, from
      ``performance.getEntriesByType("resource")`` (includes failed requests)
      plus loading attributes in the DOM (``src``, ``<link href>`` with a
      loading ``rel`` such as stylesheet/preconnect, ``<object data>``,
      ``<video poster>``).  Relative ``file:`` references count too: a
      self-contained report has none;
    * ``loaded``: whether ``window.load`` fired within the virtual time budget.

    The page is loaded from an instrumented temporary copy (see module doc);
    the file at ``html_path`` is not modified.

    Raises:
        ChromiumError: Chromium failed, or the facts could not be read back.
    """
    html_path = Path(html_path).resolve()
    if not html_path.is_file():
        raise FileNotFoundError(html_path)
    with tempfile.TemporaryDirectory(prefix="calibrate-inspect-") as tmp:
        copy = _instrumented_copy(html_path, Path(tmp))
        result = _run_chromium(
            [
                "--dump-dom",
                f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}",
                copy.as_uri(),
            ]
        )
        copy_dir_uri = copy.parent.as_uri() + "/"
    match = _FACTS_RE.search(result.stdout)
    if result.returncode != 0 or match is None:
        raise ChromiumError(
            f"Could not read page facts for {html_path} (exit code {result.returncode}; "
            f"{'no' if match is None else 'found'} <pre id={_FACTS_ID!r}> in the dumped DOM, "
            f"{len(result.stdout)} chars). The injected script may not have run."
            f"\n--- stderr (tail) ---\n{_tail(result.stderr)}"
        )
    raw = json.loads(html.unescape(match.group(1)))
    if "error" in raw:
        raise ChromiumError(
            f"Injected facts script failed on {html_path}: {raw['error']}"
        )
    page_url = raw["page_url"]
    original_dir_uri = html_path.parent.as_uri() + "/"

    def original(url: str) -> str:
        # Report relative references against the real page's folder, not the temp copy's.
        return (
            original_dir_uri + url[len(copy_dir_uri) :]
            if url.startswith(copy_dir_uri)
            else url
        )

    requests: list[str] = []
    for url in [entry["name"] for entry in raw["resources"]] + raw["referenced_urls"]:
        if not _is_local_or_self(url, page_url) and original(url) not in requests:
            requests.append(original(url))
    for img in raw["images"]:
        img["src_prefix"] = original(img["src_prefix"])[:40]
    return {
        "images": raw["images"],
        "title": raw["title"],
        "text_length": int(raw["text_length"]),
        "network_requests": requests,
        "loaded": bool(raw["loaded"]),
    }


def _load_png(png_path: Path) -> Any:
    """Decode a PNG into a numpy array (PIL if available, else matplotlib)."""
    try:
        import numpy as np
        from PIL import Image
    except ImportError:
        import matplotlib.image as mpimg

        return mpimg.imread(png_path)
    with Image.open(png_path) as img:
        return np.asarray(img.convert("RGB"))


def png_is_blank(png_path: Path) -> bool:
    """True if every pixel of the PNG at ``png_path`` has the same colour."""
    pixels = _load_png(Path(png_path))
    if pixels.size == 0:
        return True
    first = (
        pixels.reshape(-1, pixels.shape[-1])[0] if pixels.ndim == 3 else pixels.flat[0]
    )
    return not bool((pixels != first).any())


def assert_report_renders(html_path: Path, artefact_dir: Path) -> dict[str, Any]:
    """Assert that a self-contained HTML report renders correctly offline.

    Runs :func:`inspect_page` and :func:`screenshot` (saved as
    ``artefact_dir / "report.png"`` for a human to look at) and raises
    AssertionError, listing every problem found, if:

    * the page has no ``<img>`` at all;
    * any image is broken (not complete, or natural width/height 0);
    * the page tried to load anything other than ``data:`` URLs
      (network or other files);
    * the ``load`` event did not fire within the virtual time budget;
    * the screenshot is blank (all pixels the same colour).

    Returns the facts from :func:`inspect_page`, plus ``"screenshot"`` (the
    PNG's path).
    """
    html_path = Path(html_path)
    artefact_dir = Path(artefact_dir)
    facts = inspect_page(html_path)
    png = screenshot(html_path, artefact_dir / "report.png")
    facts["screenshot"] = png

    problems: list[str] = []
    images = facts["images"]
    if not images:
        problems.append(
            "no images: the page has no <img> element (expected inline charts)"
        )
    broken = [
        img
        for img in images
        if not img["complete"]
        or img["natural_width"] == 0
        or img["natural_height"] == 0
    ]
    if broken:
        lines = "\n".join(
            f"    - src={img['src_prefix']!r} alt={img['alt']!r} complete={img['complete']} "
            f"natural size={img['natural_width']}x{img['natural_height']}"
            for img in broken
        )
        problems.append(f"{len(broken)} broken image(s) of {len(images)}:\n{lines}")
    if facts["network_requests"]:
        lines = "\n".join(f"    - {url}" for url in facts["network_requests"])
        problems.append(
            f"{len(facts['network_requests'])} network request(s) attempted "
            f"(the report must be self-contained):\n{lines}"
        )
    if not facts["loaded"]:
        problems.append(
            f"the page's load event did not fire within the {VIRTUAL_TIME_BUDGET_MS} ms "
            "virtual time budget"
        )
    if png_is_blank(png):
        problems.append(f"blank screenshot: every pixel of {png} has the same colour")

    if problems:
        raise AssertionError(
            f"report {html_path} does not render as a self-contained page "
            f"(screenshot: {png}):\n" + "\n".join(f"  * {p}" for p in problems)
        )
    return facts
