"""Our WebVTT loads in a real browser: headless Chromium (Debian's ``chromium``, driven by
Playwright) plays a page with ``<video>`` + ``<track>`` and we read back ``track.cues``.

Two files are checked:

- the captions the real pipeline writes for the bundled sample (``python -m gztranscribe``):
  the browser must find the same cues as webvtt-py reads from the file, times within 1 ms, the
  same raw text and the same text once entities are decoded;
- a tricky file written by our own writer (``&``, ``<``, ``>``, ``-->``, ``&amp;`` as text,
  unicode, identifiers, NOTEs, two-line cues, hours > 0): every cue must survive Chromium's
  parser and come back with exactly the words we wrote. That proves the escaping is valid.

A screenshot of each page with a caption on screen is saved in the test's tmp folder (its path
is printed); it is for people to look at and is not compared.

Nothing is skipped: without Chromium the test fails and says how to install it (``.ci/run``
installs it). ``playwright install`` is never needed: Playwright drives the system browser.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import webvtt
from conftest import SAMPLE, run_module

from gztranscribe.formats.vtt import render_captions
from gztranscribe.types import Captions, Cue

pytestmark = pytest.mark.slow  # the real model (or a browser/cluster) on real media

CHROMIUM_NAMES = ("chromium", "chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
]
TIMEOUT_MS = 15_000
INSTALL_HINT = (
    "Debian's chromium is needed for the browser test: "
    "apt-get update && apt-get install -y chromium (.ci/run does this)"
)


# --- the browser and a local web server ------------------------------------------------------


def _chromium_path() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    pytest.fail(f"no chromium on PATH. {INSTALL_HINT}", pytrace=False)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        pytest.fail('playwright is missing: pip install -e ".[test]"', pytrace=False)
    with sync_playwright() as p:
        try:
            instance = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Exception as exc:
            pytest.fail(f"cannot start {executable}: {exc}\n{INSTALL_HINT}", pytrace=False)
        try:
            yield instance
        finally:
            instance.close()


class _Handler(SimpleHTTPRequestHandler):
    """Static files with byte ranges (a browser seeks video with ``Range``) and no logging."""

    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".vtt": "text/vtt; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".mp4": "video/mp4",
        ".webm": "video/webm",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        size = len(data)
        start, end = 0, size - 1
        wanted = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
        if wanted and (wanted[1] or wanted[2]):
            if wanted[1]:
                start = int(wanted[1])
                end = min(int(wanted[2]), size - 1) if wanted[2] else size - 1
            else:  # a suffix: the last N bytes
                start = max(0, size - int(wanted[2]))
            if start >= size or start > end:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(data[start : end + 1])
        except (BrokenPipeError, ConnectionResetError):  # the browser cancelled the request
            pass


@pytest.fixture
def serve() -> Iterator[Callable[[Path], str]]:
    """``serve(folder)`` -> the base URL of a threaded server for ``folder`` on 127.0.0.1."""
    servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def start(folder: Path) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(folder)))
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- the page ---------------------------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body {{ margin: 0; background: #111; }} video {{ width: 960px; height: 540px; }}</style>
</head><body>
<video id="video" src="{video}" preload="auto" muted playsinline>
  <track id="track" kind="captions" srclang="en" label="English" src="{vtt}" default></track>
</video>
</body></html>
"""

READ_CUES = """() => {
  const track = document.getElementById("track").track;
  return Array.from(track.cues, (cue) => ({
    id: cue.id,
    start: cue.startTime,
    end: cue.endTime,
    raw: cue.text,
    text: cue.getCueAsHTML().textContent,
  }));
}"""

VIDEO_STATE = """() => {
  const v = document.getElementById("video");
  return {error: v.error ? v.error.code : null, duration: v.duration,
          width: v.videoWidth, height: v.videoHeight, readyState: v.readyState};
}"""


def _write_page(folder: Path, video: str, vtt: str) -> None:
    (folder / "index.html").write_text(
        PAGE.format(title=html.escape(vtt), video=video, vtt=vtt), encoding="utf-8"
    )


def _transcode_webm(source: Path, target: Path) -> None:
    """VP9 + Opus, for a Chromium built without H.264 (written into the test's tmp folder)."""
    from gztranscribe.media import ffmpeg_executable

    subprocess.run(
        [ffmpeg_executable(), "-v", "error", "-y", "-i", str(source), "-c:v", "libvpx-vp9",
         "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k", "-c:a", "libopus",
         "-b:a", "48k", str(target)],
        check=True, timeout=120,
    )  # fmt: skip


def _open_page(browser: Any, url: str) -> Any:
    page = browser.new_page(viewport={"width": 960, "height": 540})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url + "index.html", wait_until="load", timeout=TIMEOUT_MS)
    page.evaluate('() => { document.getElementById("track").track.mode = "showing"; }')
    # readyState 2 is LOADED (3 would be ERROR: the browser refused the file).
    page.wait_for_function(
        '() => [2, 3].includes(document.getElementById("track").readyState)', timeout=TIMEOUT_MS
    )
    state = page.evaluate('() => document.getElementById("track").readyState')
    assert state == 2, f"Chromium could not load the captions (track readyState {state})"
    assert not errors, f"page errors: {errors}"
    return page


def _wait_for_video(page: Any) -> dict[str, Any]:
    """Wait until the video has metadata or failed; return its state."""
    page.wait_for_function(
        '() => { const v = document.getElementById("video"); return v.error || v.readyState >= 1; }',
        timeout=TIMEOUT_MS,
    )
    return page.evaluate(VIDEO_STATE)


def _load(browser: Any, folder: Path, url: str, vtt: str) -> Any:
    """Open ``index.html`` for ``vtt`` with the sample video; fall back to WebM if need be."""
    shutil.copyfile(SAMPLE, folder / SAMPLE.name)
    _write_page(folder, SAMPLE.name, vtt)
    page = _open_page(browser, url)
    video = _wait_for_video(page)
    if video["error"] is not None:  # MEDIA_ERR_SRC_NOT_SUPPORTED: this Chromium has no H.264
        page.close()
        webm = folder / (SAMPLE.stem + ".webm")
        _transcode_webm(SAMPLE, webm)
        _write_page(folder, webm.name, vtt)
        page = _open_page(browser, url)
        video = _wait_for_video(page)
    assert video["error"] is None, f"Chromium cannot play the sample video: {video}"
    assert video["duration"] == pytest.approx(63.0, abs=0.5), video
    return page


def _screenshot(page: Any, at: float, path: Path) -> None:
    """Seek to ``at`` (inside a cue), pause, check the cue is active, save a PNG."""
    page.evaluate(
        """(at) => new Promise((resolve) => {
             const v = document.getElementById("video");
             v.pause();
             v.addEventListener("seeked", () => resolve(), {once: true});
             v.currentTime = at;
           })""",
        at,
    )
    page.wait_for_function(
        '() => document.getElementById("track").track.activeCues.length > 0', timeout=TIMEOUT_MS
    )
    page.wait_for_function(
        '() => document.getElementById("video").readyState >= 2', timeout=TIMEOUT_MS
    )
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")


def _cue_at(cues: list[dict[str, Any]], index: int) -> float:
    return (cues[index]["start"] + cues[index]["end"]) / 2


# --- the tests --------------------------------------------------------------------------------


def test_pipeline_captions_load_in_chromium(browser: Any, serve, tmp_path: Path) -> None:
    out = tmp_path / "site"
    done = run_module([SAMPLE, "-o", out, "-q"])
    assert done.returncode == 0, done.stderr
    vtt = out / "commentary.vtt"
    expected = list(webvtt.read(str(vtt)))
    assert len(expected) >= 8, f"too few cues to be a real test: {len(expected)}"

    page = _load(browser, out, serve(out), vtt.name)
    got = page.evaluate(READ_CUES)

    assert len(got) == len(expected), f"browser read {len(got)} cues, the file has {len(expected)}"
    for number, (cue, caption) in enumerate(zip(got, expected, strict=True), start=1):
        where = f"cue {number} ({caption.start})"
        assert abs(cue["start"] * 1000 - caption.start_time.in_milliseconds()) <= 1, where
        assert abs(cue["end"] * 1000 - caption.end_time.in_milliseconds()) <= 1, where
        assert cue["raw"] == caption.raw_text, where  # VTTCue.text is the raw cue text
        assert cue["text"] == html.unescape(caption.text), where  # entities decoded, no tags
        assert cue["id"] == (caption.identifier or ""), where

    _screenshot(page, _cue_at(got, 1), tmp_path / "pipeline-captions.png")
    page.close()


TRICKY = Captions(
    cues=(
        Cue(1.0, 3.5, ("Fish & chips <b>not bold</b>", "a -> b, then x --> y"), identifier="intro"),
        Cue(3.5, 6.25, ("“Café” — naïve résumé, déjà vu",), identifier="cue-é 2"),
        Cue(7.0, 9.0, ("Literal &amp; and &lt;i&gt; stay as typed",)),
        Cue(9.5, 12.0, ("NOTE this line is cue text,", "not a comment")),
        Cue(12.0, 14.5, ("Tom & Jerry: 5 > 3 < 4", "<c.yellow>still</c> text")),
        Cue(3601.5, 3604.25, ("An hour in --> still one cue",)),
        Cue(2 * 3600 + 59 * 60 + 59.001, 3 * 3600 + 0.999, ("Ends at 03:00:00.999 🎬",)),
        Cue(12 * 3600 + 34 * 60 + 56.789, 12 * 3600 + 35 * 60, ("WEBVTT", "-->")),
    ),
    notes=("written by tests/test_browser.py", "a note with an --> arrow"),
)


def test_tricky_captions_from_our_writer_load_in_chromium(
    browser: Any, serve, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    vtt = site / "tricky.vtt"
    vtt.write_text(render_captions(TRICKY), encoding="utf-8")
    text = vtt.read_text(encoding="utf-8")
    assert "NOTE" in text and "intro\n00:00:01.000 --> 00:00:03.500" in text, text

    page = _load(browser, site, serve(site), vtt.name)
    got = page.evaluate(READ_CUES)

    assert len(got) == len(TRICKY.cues), f"Chromium lost cues: {got}\n--- file ---\n{text}"
    for number, (cue, ours) in enumerate(zip(got, TRICKY.cues, strict=True), start=1):
        where = f"cue {number}: {got[number - 1]}"
        assert abs(cue["start"] - ours.start) <= 0.001, where
        assert abs(cue["end"] - ours.end) <= 0.001, where
        assert cue["text"] == "\n".join(ours.lines), where  # exactly the words we wrote
        assert cue["id"] == ours.identifier, where

    # webvtt-py, the reader `check` relies on, agrees with the browser on the same file.
    captions = list(webvtt.read(str(vtt)))
    assert [html.unescape(c.raw_text) for c in captions] == [c["text"] for c in got]

    _screenshot(page, 2.0, tmp_path / "tricky-captions.png")
    page.close()
