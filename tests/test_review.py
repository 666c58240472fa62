"""``gztranscribe review``: the episode in the browser, end to end, and the server's defences.

The sample is copied into a temporary folder and transcribed once per module (through
``review.ensure_transcript``, the path ``gztranscribe review`` takes when EPISODE.json is missing);
every test then works on its own copy of that folder, so a save in one test never leaks into
another. The real server runs in-process on a free port; Debian's chromium (driven by Playwright,
the same launch flags as ``test_browser.py``) opens the page as a producer would.

The page's Content-Security-Policy is left on (no ``bypass_csp``): the page must work under it.
Playwright's ``wait_for_function`` evaluates strings with ``eval``, which that policy forbids, so
waits poll ``page.evaluate`` (a DevTools call, which the policy does not govern) instead.

Screenshots (``review-page.png`` before the edit, ``review-saved.png`` after it) are saved in the
test's tmp folder and their paths printed: run with ``-s`` to see them.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, SAMPLE
from processes import ctrl_c_as_in_a_terminal

from gztranscribe.caption_files import read_captions
from gztranscribe.errors import UsageError
from gztranscribe.formats import jsonfile
from gztranscribe.review import (
    EpisodeFiles,
    RequestError,
    ReviewServer,
    ensure_transcript,
    open_review,
    parse_save_request,
)
from gztranscribe.review.server import STATIC
from gztranscribe.review.session import MAX_BODY_BYTES, MAX_PARAGRAPH_CHARS, retime
from gztranscribe.settings import resolve_settings
from gztranscribe.types import Word

CHROMIUM_ARGS = [  # as tests/test_browser.py
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
]
TIMEOUT = 15.0
NAME = SAMPLE.stem  # "commentary"


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def transcribed(tmp_path_factory: pytest.TempPathFactory, transcriber) -> Path:
    """A folder with the sample and its vtt/txt/json, made the way ``review`` makes them."""
    folder = tmp_path_factory.mktemp("review-episode")
    media = folder / SAMPLE.name
    shutil.copyfile(SAMPLE, media)
    json_path, made = ensure_transcript(media, resolve_settings(media), load=lambda: transcriber)
    assert made and json_path == folder / f"{NAME}.json"
    assert ensure_transcript(media, resolve_settings(media), load=_no_model) == (json_path, False)
    return folder


def _no_model() -> Any:
    raise AssertionError("the transcript exists: the model must not be loaded")


@pytest.fixture
def episode(transcribed: Path, tmp_path: Path) -> Path:
    """This test's own copy of the transcribed episode folder; returns the media path."""
    folder = tmp_path / "episode"
    shutil.copytree(transcribed, folder)
    return folder / SAMPLE.name


@pytest.fixture
def server(episode: Path) -> Iterator[ReviewServer]:
    session = open_review(episode, resolve_settings(episode))
    instance = ReviewServer(session)
    thread = instance.start_background()
    yield instance
    instance.shutdown()
    instance.server_close()
    thread.join(timeout=5)


def _chromium() -> str:
    for candidate in (
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("no chromium: apt-get install -y chromium (.ci/run does this)", pytrace=False)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


# --- helpers ----------------------------------------------------------------------------------


def request(
    server: ReviewServer,
    method: str,
    path: str,
    *,
    token: str | None = "valid",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes, http.client.HTTPResponse]:
    """Send the path exactly as given (no normalising of ``../``), with the token unless told."""
    if token is not None:
        value = server.token if token == "valid" else token
        path += ("&" if "?" in path else "?") + f"token={value}"
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    sent = {"Host": f"127.0.0.1:{server.port}", **(headers or {})}
    if body is not None:
        sent.setdefault("Content-Type", "application/json")
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return response.status, response.read(), response
    finally:
        connection.close()


def save(server: ReviewServer, payload: Any, **kwargs: Any) -> tuple[int, Any]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    status, data, _ = request(server, "POST", "/api/save", body=body, **kwargs)
    return status, json.loads(data)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` (hidden ones too): bytes and modification time."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def words_of(folder: Path) -> list[Word]:
    return list(jsonfile.read_transcript((folder / f"{NAME}.json").read_text("utf-8")).words)


def current_paragraphs(server: ReviewServer) -> list[str]:
    return [" ".join(w["text"] for w in p["words"]) for p in server.session.payload()["paragraphs"]]


def wait_until(page: Any, script: str, timeout: float = TIMEOUT) -> Any:
    """Poll ``script`` (a JS function) until it returns something truthy; return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {script}")
        time.sleep(0.05)


def open_page(browser: Any, server: ReviewServer) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}"))
    page.goto(server.url, wait_until="load", timeout=TIMEOUT * 1000)
    wait_until(page, "() => document.body.dataset.ready === '1'")
    return page, problems


TRACK_CUES = """() => {
  const track = document.getElementById("captions");
  return track && track.readyState === 2 && track.track.cues
    ? Array.from(track.track.cues, (c) => ({start: c.startTime, end: c.endTime, text: c.text}))
    : null;
}"""

VIDEO_READY = """() => { const v = document.getElementById("video");
  return v.error ? {error: v.error.code} : (v.readyState >= 2 ? {duration: v.duration} : null); }"""


def pick_word(page: Any) -> dict[str, Any]:
    """The span to edit: "Brookfield" when the model heard it, else the longest plain word."""
    return page.evaluate(
        """() => {
      const spans = Array.from(document.querySelectorAll("#transcript span.w"));
      const plain = (s) => s.textContent.replace(/[^A-Za-z]/g, "");
      let span = spans.find((s) => plain(s).toLowerCase() === "brookfield");
      if (!span) {
        span = spans.slice(1, -1).reduce((a, b) => (plain(b).length > plain(a).length ? b : a));
      }
      span.id = "edit-me";
      return {text: span.textContent, start: Number(span.dataset.start),
              end: Number(span.dataset.end), index: Number(span.dataset.i)};
    }"""
    )


def screenshot(page: Any, path: Path) -> None:
    try:  # a frame to show, not the loading spinner
        wait_until(page, "() => document.getElementById('video').readyState >= 3", timeout=3)
    except AssertionError:
        pass
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    print(f"screenshot: {path}")


# --- the page, end to end ---------------------------------------------------------------------


def test_page_shows_video_captions_and_transcript_and_clicking_a_word_seeks(
    browser: Any, server: ReviewServer, tmp_path: Path
) -> None:
    page, problems = open_page(browser, server)
    payload = server.session.payload()

    cues = wait_until(page, TRACK_CUES)
    assert len(cues) == payload["cues"] > 5
    video = wait_until(page, VIDEO_READY)
    assert "error" not in video, f"Chromium cannot play the sample: {video}"
    assert video["duration"] == pytest.approx(63.0, abs=0.5)

    counts = page.evaluate(
        """() => ({paragraphs: document.querySelectorAll("#transcript p").length,
                  words: document.querySelectorAll("#transcript span.w").length,
                  unsure: document.querySelectorAll("#unsure li button").length,
                  underlined: document.querySelectorAll("#transcript span.w.unsure").length,
                  problems: document.querySelectorAll("#problems li button").length,
                  external: Array.from(document.querySelectorAll("[src],[href]"))
                    .map((e) => e.getAttribute("src") || e.getAttribute("href"))
                    .filter((u) => /^(https?:)?\\/\\//.test(u))})"""
    )
    words = sum(len(p["words"]) for p in payload["paragraphs"])
    assert counts["paragraphs"] == len(payload["paragraphs"]) >= 2
    assert counts["words"] == words
    assert counts["unsure"] == len(payload["unsure"])
    assert counts["underlined"] == sum(1 for p in payload["paragraphs"] for w in p["words"]
                                       if w["probability"] < payload["unsure_below"])  # fmt: skip
    assert counts["problems"] == len(payload["problems"])
    assert counts["external"] == []  # nothing from the network: works offline

    # Click a word in the middle of the second paragraph: the video jumps to it.
    target = payload["paragraphs"][1]["words"][5]
    page.click(f'#transcript span.w[data-i="{target["index"]}"]')
    now = wait_until(
        page,
        f"""() => {{ const v = document.getElementById("video");
                  return !v.seeking && Math.abs(v.currentTime - {target["start"]}) < 0.3
                         ? v.currentTime : null; }}""",
    )
    assert now == pytest.approx(target["start"], abs=0.3)
    # ...and its sentence is highlighted, the word itself too.
    lit = page.evaluate(
        """() => ({sentence: Array.from(document.querySelectorAll("#transcript .now"),
                                        (s) => Number(s.dataset.i)),
                  word: Array.from(document.querySelectorAll("#transcript .word-now"),
                                   (s) => Number(s.dataset.i))})"""
    )
    same_sentence = [w["index"] for w in payload["paragraphs"][1]["words"]
                     if w["sentence"] == target["sentence"]]  # fmt: skip
    assert lit == {"sentence": same_sentence, "word": [target["index"]]}

    # The unsure list is clickable too.
    if payload["unsure"]:
        span = payload["unsure"][0]
        page.click("#unsure li button")
        wait_until(page, f"() => Math.abs(document.getElementById('video').currentTime - "
                         f"{span['start']}) < 0.3")  # fmt: skip

    wait_until(page, "() => document.getElementById('video').readyState >= 2")
    screenshot(page, tmp_path / "review-page.png")
    assert problems == []
    page.close()


def test_an_edit_saved_in_the_page_rewrites_the_files_with_the_word_timed_from_the_audio(
    browser: Any, server: ReviewServer, episode: Path, tmp_path: Path
) -> None:
    folder = episode.parent
    before = {fmt: (folder / f"{NAME}.{fmt}").read_bytes() for fmt in ("vtt", "txt", "json")}
    old_cues = read_captions(folder / f"{NAME}.vtt").cues
    page, problems = open_page(browser, server)
    wait_until(page, TRACK_CUES)

    word = pick_word(page)
    trailing = re.search(r"[^A-Za-z]*$", word["text"]).group()
    new_text = "Bruckfield" + trailing
    # Select the word in the page and type over it, as a producer would.
    page.click("#edit-me")
    page.evaluate(
        """() => { const range = document.createRange();
                   range.selectNodeContents(document.getElementById("edit-me"));
                   const selection = getSelection();
                   selection.removeAllRanges(); selection.addRange(range); }"""
    )
    page.keyboard.type(new_text)
    # Split the first paragraph before its third sentence (Enter), as a producer would.
    split_at = page.evaluate(
        """() => { const p = document.querySelector("#transcript p");
                   const spans = Array.from(p.querySelectorAll("span.w"));
                   const starts = spans.filter((s, k) => k > 0 && s.dataset.s !== spans[k - 1].dataset.s);
                   const span = starts[1];
                   const range = document.createRange();
                   range.setStart(span.firstChild, 0); range.collapse(true);
                   const selection = getSelection();
                   selection.removeAllRanges(); selection.addRange(range);
                   return span.textContent; }"""
    )
    page.keyboard.press("Enter")
    assert page.evaluate("() => !document.getElementById('save').disabled")
    paragraphs_before = len(server.session.paragraphs)
    page.click("#save")
    wait_until(page, "() => document.body.dataset.saved === '1'")
    status = page.text_content("#status")
    assert status.startswith("Saved"), status

    # The files on disk: the new word, in the captions and the transcript; the old one gone.
    vtt = (folder / f"{NAME}.vtt").read_text("utf-8")
    txt = (folder / f"{NAME}.txt").read_text("utf-8")
    assert "Bruckfield" in vtt and "Bruckfield" in txt
    old_word = word["text"].rstrip(trailing) if trailing else word["text"]
    assert vtt.count(old_word) == before["vtt"].decode().count(old_word) - 1
    # The producer's paragraphs: one more, the new one starting where Enter was pressed.
    lines = txt.splitlines()
    assert len(lines) == paragraphs_before + 1
    assert lines[1].startswith(split_at), (split_at, lines[1][:40])

    # Timed from the audio: the new word has the old word's time, in the same cue as before.
    new_words = words_of(folder)
    (edited,) = [w for w in new_words if w.text == new_text]
    assert edited.start == pytest.approx(word["start"], abs=0.3)
    assert edited.end == pytest.approx(word["end"], abs=0.3)
    new_cues = read_captions(folder / f"{NAME}.vtt").cues
    (cue,) = [c for c in new_cues if "Bruckfield" in c.text]
    (old_cue,) = [c for c in old_cues if word["text"] in c.text.split()]
    assert cue.start <= word["start"] <= cue.end
    assert (cue.start, cue.end) == pytest.approx((old_cue.start, old_cue.end), abs=0.5)
    assert len(new_cues) == len(old_cues)

    # The previous versions are kept, byte for byte.
    for fmt, data in before.items():
        assert (folder / f"{NAME}.{fmt}.bak").read_bytes() == data, fmt
    assert not list(folder.glob("*.gztmp")) and not list(folder.glob(".*.gztmp"))

    # The page follows: the new word shown, the captions reloaded with it.
    cues = wait_until(page, TRACK_CUES.replace("? Array", "&& Array.from(track.track.cues).some("
                                               "(c) => c.text.includes('Bruckfield')) ? Array"))  # fmt: skip
    assert len(cues) == len(new_cues)
    assert page.locator("#transcript p").count() == paragraphs_before + 1
    page.evaluate("() => window.scrollTo(0, 0)")
    screenshot(page, tmp_path / "review-saved.png")
    assert problems == []
    page.close()

    # A fresh session (the page reloaded tomorrow) shows the producer's paragraphs again.
    again = open_review(episode, resolve_settings(episode))
    assert len(again.paragraphs) == paragraphs_before + 1
    assert [" ".join(w.text for w in p) for p in again.paragraphs] == lines


def test_caption_problems_are_listed_and_clicking_one_seeks_to_its_cue(
    browser: Any, server: ReviewServer, tmp_path: Path
) -> None:
    """Our own captions pass every check, so give the page a problem: a filler ("um") typed in."""
    paragraphs = current_paragraphs(server)
    words = paragraphs[1].split()
    status, data = save(server, {"paragraphs": [paragraphs[0], " ".join([*words[:8], "um,", *words[8:]]),
                                                *paragraphs[2:]]})  # fmt: skip
    assert status == 200 and data["saved"]
    (problem,) = [p for p in data["problems"] if p["rule"] == "filler"]
    page, problems = open_page(browser, server)
    wait_until(page, TRACK_CUES)
    listed = page.locator("#problems li button")
    assert listed.count() == len(data["problems"])
    listed.nth(data["problems"].index(problem)).click()
    wait_until(page, f"() => Math.abs(document.getElementById('video').currentTime - "
                     f"{problem['start']}) < 0.3")  # fmt: skip
    flagged = page.evaluate("() => Array.from(document.querySelectorAll('#transcript .flagged'),"
                            " (s) => s.textContent).join(' ')")  # fmt: skip
    assert "um," in flagged and flagged.replace("um,", "").strip() in problem["text"].replace(
        "um,", ""
    )
    screenshot(page, tmp_path / "review-problems.png")
    assert problems == []
    page.close()


# --- saving through the API -------------------------------------------------------------------


def test_saving_unchanged_text_writes_nothing(server: ReviewServer, episode: Path) -> None:
    before = snapshot(episode.parent)
    status, data = save(server, {"paragraphs": current_paragraphs(server), "revision": 0})
    assert status == 200 and data["saved"] is False
    assert snapshot(episode.parent) == before


def test_joined_paragraphs_and_punctuation_survive_a_save(
    server: ReviewServer, episode: Path
) -> None:
    times = [(w.start, w.end) for w in words_of(episode.parent)]
    joined = " ".join(current_paragraphs(server)).replace("Good evening,", "Good evening!", 1)
    status, data = save(server, {"paragraphs": [joined]})
    assert status == 200 and data["saved"], data
    txt = (episode.parent / f"{NAME}.txt").read_text("utf-8")
    assert txt == joined + "\n"
    assert data["revision"] == 1 and len(data["paragraphs"]) == 1
    assert data["changed_words"] == 1  # "evening!" is retouched (and so no longer "unsure")...
    assert [(w.start, w.end) for w in words_of(episode.parent)] == times  # ...but not re-timed


def test_a_stale_page_cannot_overwrite_a_newer_save(server: ReviewServer, episode: Path) -> None:
    paragraphs = current_paragraphs(server)
    status, _ = save(
        server, {"paragraphs": [paragraphs[0] + " Indeed.", *paragraphs[1:]], "revision": 0}
    )
    assert status == 200
    before = snapshot(episode.parent)
    status, data = save(server, {"paragraphs": paragraphs, "revision": 0})
    assert status == 409 and "reload" in data["error"]
    assert snapshot(episode.parent) == before


def test_a_transcript_changed_on_disk_is_not_overwritten(
    server: ReviewServer, episode: Path
) -> None:
    json_path = episode.with_suffix(".json")
    json_path.write_text(json_path.read_text("utf-8").replace('"en"', '"en" ', 1), "utf-8")
    before = snapshot(episode.parent)
    status, data = save(server, {"paragraphs": ["Completely new words."]})
    assert status == 409 and "changed on disk" in data["error"]
    assert snapshot(episode.parent) == before


def test_a_text_that_does_not_match_the_audio_is_refused(
    server: ReviewServer, episode: Path
) -> None:
    before = snapshot(episode.parent)
    status, data = save(server, {"paragraphs": ["Lorem ipsum dolor sit amet, consectetur."]})
    assert status == 422 and "no longer matches the audio" in data["error"]
    assert snapshot(episode.parent) == before


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"this is not json", 400),
        (b"\xff\xfe not utf-8", 400),
        (b"", 400),
        (b"[]", 400),
        (b'["one paragraph"]', 400),
        (b"{}", 400),
        (b'{"paragraphs": "one paragraph"}', 400),
        (b'{"paragraphs": []}', 400),
        (b'{"paragraphs": [1, 2]}', 400),
        (b'{"paragraphs": [null]}', 400),
        (b'{"paragraphs": [["nested"]]}', 400),
        (b'{"paragraphs": [""]}', 400),
        (b'{"paragraphs": ["Good evening.", "   "]}', 400),
        (b'{"paragraphs": ["Good\\u0000evening."]}', 400),
        (b'{"paragraphs": ["Good evening."], "path": "../../etc/passwd"}', 400),
        (b'{"paragraphs": ["Good evening."], "revision": "0"}', 400),
        (b'{"paragraphs": ["Good evening."], "revision": true}', 400),
        (b'{"paragraphs": ["' + b"a" * (MAX_PARAGRAPH_CHARS + 1) + b'"]}', 400),
        (b'{"paragraphs": [' + b",".join([b'"x"'] * 6000) + b"]}", 400),
    ],
    ids=lambda v: v.decode("utf-8", "replace")[:30] if isinstance(v, bytes) else str(v),
)
def test_a_malformed_save_is_refused_and_changes_nothing(
    server: ReviewServer, episode: Path, body: bytes, status: int
) -> None:
    before = snapshot(episode.parent)
    got, data, _ = request(server, "POST", "/api/save", body=body)
    assert got == status, data[:200]
    assert "error" in json.loads(data)
    assert snapshot(episode.parent) == before
    assert server.session.revision == 0


def test_a_huge_save_is_refused_before_it_is_read(server: ReviewServer, episode: Path) -> None:
    before = snapshot(episode.parent)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    connection.putrequest("POST", f"/api/save?token={server.token}", skip_host=True)
    connection.putheader("Host", f"127.0.0.1:{server.port}")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(MAX_BODY_BYTES + 1))
    connection.endheaders()
    connection.send(b'{"paragraphs": ["')  # and never the rest
    response = connection.getresponse()
    assert response.status == 413 and b"too large" in response.read()
    connection.close()
    with pytest.raises(RequestError) as refused:
        parse_save_request(b'{"paragraphs": ["' + b"word " * (MAX_BODY_BYTES // 5) + b'"]}')
    assert refused.value.status == 413
    assert snapshot(episode.parent) == before


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Content-Type": "text/plain"}, 415),
        ({"Content-Type": "application/x-www-form-urlencoded"}, 415),
        ({"Origin": "http://evil.example"}, 403),
    ],
)
def test_a_save_from_a_form_or_another_site_is_refused(
    server: ReviewServer, episode: Path, headers: dict[str, str], status: int
) -> None:
    before = snapshot(episode.parent)
    body = json.dumps({"paragraphs": ["Good evening."]}).encode()
    got, _, _ = request(server, "POST", "/api/save", body=body, headers=headers)
    assert got == status
    assert snapshot(episode.parent) == before


def test_parse_save_request_normalises_whitespace() -> None:
    parsed = parse_save_request(
        b'{"paragraphs": ["  Good\\u00a0 evening,\\n Dana.  "], "revision": 3}'
    )
    assert parsed.paragraphs == (("Good", "evening,", "Dana."),) and parsed.revision == 3
    with pytest.raises(RequestError) as refused:
        parse_save_request(b'{"paragraphs": ["ok", 5]}')
    assert refused.value.status == 400 and "paragraph 2" in refused.value.message


# --- the server's defences --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"/../{NAME}.json",
        f"/static/../{NAME}.json",
        f"/static/../../{NAME}.mp4",
        f"/static/%2e%2e/{NAME}.json",
        f"/static/%2e%2e%2f{NAME}.json",
        f"/%2e%2e/{NAME}.json",
        f"/{NAME}.json",
        f"/{NAME}.vtt",
        "/static/",
        "/static/index.html/..",
        "/static/../session.py",
        "/static/%2e%2e%2f%2e%2e%2fsession.py",
        "/media/../etc/passwd",
        "/media/..%2f..%2fetc%2fpasswd",
        "//etc/passwd",
        "/etc/passwd",
        "/api/episode/../../",
    ],
)
def test_paths_outside_the_fixed_routes_are_not_found(
    server: ReviewServer, episode: Path, path: str
) -> None:
    before = snapshot(episode.parent)
    status, body, _ = request(server, "GET", path)
    assert status == 404, (path, status)
    assert (
        b"WEBVTT" not in body and b"gztranscribe.transcript" not in body and b"import" not in body
    )
    assert snapshot(episode.parent) == before


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    "path", ["/", "/api/episode", "/captions.vtt", "/media", "/static/app.js", "/api/save", "/nope"]
)
@pytest.mark.parametrize("token", [None, "", "wrong-token", "valid-but-twice"])
def test_requests_without_the_session_token_are_forbidden(
    server: ReviewServer, episode: Path, method: str, path: str, token: str | None
) -> None:
    before = snapshot(episode.parent)
    if token == "valid-but-twice":
        path, token = f"{path}?token=wrong", "valid"
    body = b'{"paragraphs": ["Hello."]}' if method == "POST" else None
    status, data, _ = request(server, method, path, token=token, body=body)
    assert status == 403, (method, path, token, status)
    assert b"WEBVTT" not in data and b"paragraphs" not in data
    assert snapshot(episode.parent) == before


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:{port}", "127.0.0.1", "localhost", "127.0.0.1:1",
             "0.0.0.0:{port}", "[::1]:{port}", "127.0.0.1.evil.example:{port}", ""]
)  # fmt: skip
def test_requests_for_another_host_name_are_forbidden(
    server: ReviewServer, episode: Path, host: str
) -> None:
    """DNS rebinding: a page on evil.example whose name now points at 127.0.0.1."""
    before = snapshot(episode.parent)
    headers = {"Host": host.format(port=server.port)}
    for method, path, body in (("GET", "/api/episode", None), ("POST", "/api/save", b"{}")):
        status, data, _ = request(server, method, path, body=body, headers=headers)
        assert status == 403, (host, path, status)
        assert b"paragraphs" not in data
    assert snapshot(episode.parent) == before


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}"])
def test_the_page_its_assets_and_api_answer_with_the_token(server: ReviewServer, host: str) -> None:
    headers = {"Host": host.format(port=server.port)}
    status, page, response = request(server, "GET", "/", headers=headers)
    assert status == 200 and b'id="transcript"' in page and server.token.encode() in page
    assert b"http://" not in page and b"https://" not in page  # nothing external
    csp = response.getheader("Content-Security-Policy")
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    for name in ("app.js", "app.css"):
        status, data, response = request(server, "GET", f"/static/{name}", headers=headers)
        assert status == 200 and response.getheader("Content-Type") == STATIC[name]
        assert b"http://" not in data and b"https://" not in data and b"@import" not in data
    status, data, response = request(server, "GET", "/captions.vtt", headers=headers)
    assert (
        status == 200
        and data.startswith(b"WEBVTT")
        and "text/vtt" in response.getheader("Content-Type")
    )
    status, data, _ = request(server, "GET", "/api/episode", headers=headers)
    assert status == 200 and json.loads(data)["name"] == NAME


def test_the_video_is_served_with_byte_ranges_for_seeking(
    server: ReviewServer, episode: Path
) -> None:
    data = episode.read_bytes()
    status, body, response = request(server, "GET", "/media")
    assert status == 200 and body == data and response.getheader("Accept-Ranges") == "bytes"
    assert response.getheader("Content-Type") == "video/mp4"
    status, body, response = request(server, "GET", "/media", headers={"Range": "bytes=1000-1999"})
    assert status == 206 and body == data[1000:2000]
    assert response.getheader("Content-Range") == f"bytes 1000-1999/{len(data)}"
    status, body, _ = request(server, "GET", "/media", headers={"Range": "bytes=-500"})
    assert status == 206 and body == data[-500:]
    status, body, _ = request(
        server, "GET", "/media", headers={"Range": f"bytes={len(data) - 10}-"}
    )
    assert status == 206 and body == data[-10:]
    status, _, response = request(server, "GET", "/media", headers={"Range": f"bytes={len(data)}-"})
    assert status == 416 and response.getheader("Content-Range") == f"bytes */{len(data)}"
    status, body, response = request(server, "HEAD", "/media")
    assert status == 200 and body == b"" and response.getheader("Content-Length") == str(len(data))


def test_the_server_binds_to_loopback_only(episode: Path) -> None:
    session = open_review(episode, resolve_settings(episode))
    for host in ("0.0.0.0", "::", "192.168.1.10", "localhost"):
        with pytest.raises(UsageError, match="127.0.0.1 only"):
            ReviewServer(session, host=host)
    server = ReviewServer(session)
    try:
        assert server.server_address[0] == "127.0.0.1" and server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}/?token={server.token}"
        assert len(server.token) >= 20 and server.token != ReviewServer(session).token
    finally:
        server.server_close()


def test_methods_other_than_get_and_post_are_refused(server: ReviewServer) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        status, _, _ = request(server, method, "/api/save", body=b"{}")
        assert status == 405
    status, _, _ = request(server, "GET", "/api/save")
    assert status == 405


# --- the glossary -----------------------------------------------------------------------------


def test_a_term_added_from_the_page_reaches_later_runs(server: ReviewServer, episode: Path) -> None:
    folder = episode.parent
    status, body, _ = request(server, "POST", "/api/glossary", body=b'{"term": "Bruckfield"}')
    data = json.loads(body)
    assert status == 200 and data["added"], data
    assert (folder / "glossary.txt").read_text("utf-8") == "Bruckfield\n"
    assert "gztranscribe.toml" in data["message"]
    # A later run of the show reads it: the config now names it.
    assert resolve_settings(episode).text.glossary_path == folder / "glossary.txt"
    assert resolve_settings(episode).decode.as_dict().get("hotwords", "").startswith("Bruckfield")

    status, body, _ = request(server, "POST", "/api/glossary", body=b'{"term": "  Bruckfield "}')
    assert status == 200 and json.loads(body)["added"] is False
    status, body, _ = request(
        server, "POST", "/api/glossary", body=b'{"term": "Dana Miller: Dana Muller"}'
    )
    assert status == 200 and json.loads(body)["added"]
    assert (folder / "glossary.txt").read_text("utf-8") == "Bruckfield\nDana Miller: Dana Muller\n"

    before = snapshot(folder)
    for bad in (b'{"term": "two\\nlines"}', b'{"term": ""}', b'{"term": 5}', b'{"term": "# comment"}',
                b'{"term": "' + b"x" * 81 + b'"}', b'{"term": "12345"}', b"not json",
                b'{"term": "ok", "file": "/etc/passwd"}'):  # fmt: skip
        status, _, _ = request(server, "POST", "/api/glossary", body=bad)
        assert status == 400, bad
    assert snapshot(folder) == before


def test_an_existing_config_is_never_edited(episode: Path) -> None:
    config = episode.parent / "gztranscribe.toml"
    config.write_text('profile = "broadcast"\n', "utf-8")
    session = open_review(episode, resolve_settings(episode))
    result = session.add_glossary_term(b'{"term": "Bruckfield"}')
    assert (
        result["added"]
        and 'add glossary = "glossary.txt" to gztranscribe.toml' in result["message"]
    )
    assert config.read_text("utf-8") == 'profile = "broadcast"\n'


# --- re-timing edited words -----------------------------------------------------------------


def test_retime_keeps_heard_words_and_times_edits_from_their_neighbours(episode: Path) -> None:
    session = open_review(episode, resolve_settings(episode))
    heard = session.transcript.words
    text = [w.text for w in heard]
    k = 2  # in the first sentence
    # an added sentence in the pause after a later sentence
    j = next(i for i in range(k + 15, len(heard))
             if heard[i - 1].text.endswith(".") and heard[i].start - heard[i - 1].end >= 0.3)  # fmt: skip
    before = max(i for i in range(j - 1) if i == 0 or heard[i - 1].text.endswith("."))
    assert before > k + 1
    text[k] = "Bruckfield"
    text.insert(j, "Really.")
    timed, changed = retime(text, session.transcript)
    assert [w.text for w in timed] == text and changed == 2
    assert (timed[k].start, timed[k].end) == (heard[k].start, heard[k].end)  # the replaced word's
    assert timed[k].probability == 1.0  # a person typed it
    # The added sentence goes into the pause, borrowing from the sentence before it when the pause
    # is short for it (``align._fit_run``); every other word keeps its time from the audio.
    assert heard[j - 1].start < timed[j].start < timed[j].end <= heard[j].start
    for i, (old, new) in enumerate(zip(heard, timed[:j] + timed[j + 1 :])):
        if i != k and not before <= i < j:
            assert (new.start, new.end, new.probability) == (old.start, old.end, old.probability)

    # With no pause to use, an added word still lands between its neighbours, all in order.
    text = [w.text for w in heard]
    text.insert(k + 1, "really")
    timed, _ = retime(text, session.transcript)
    assert heard[k].start <= timed[k + 1].start <= heard[k + 1].start
    assert all(a.start <= b.start for a, b in pairwise(timed))

    with pytest.raises(RequestError) as refused:
        retime(["Lorem", "ipsum", "dolor", "sit", "amet", "consectetur"], session.transcript)
    assert refused.value.status == 422


def test_retime_is_fast_enough_for_a_long_episode() -> None:
    from gztranscribe.types import Segment, Transcript

    heard = [Word(i * 0.4, i * 0.4 + 0.3, f"word{i % 700}.") for i in range(9_000)]
    transcript = Transcript((Segment(0.0, heard[-1].end, "", tuple(heard)),), duration=3600.0)
    text = [w.text for w in heard]
    text[4000] = "changed."
    del text[7000:7010]
    started = time.perf_counter()
    timed, changed = retime(text, transcript)
    assert time.perf_counter() - started < 10
    assert changed == 1 and timed[4000].start == heard[4000].start


# --- the command ------------------------------------------------------------------------------

LAUNCH = """
import sys
from gztranscribe.cli import app
if "review" not in [c.name for c in app.registered_commands]:
    from gztranscribe.cli_review import register
    register(app)
sys.argv = ["gztranscribe", *sys.argv[1:]]
app()
"""


def test_the_review_command_serves_until_interrupted(episode: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "review", str(episode), "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "COLUMNS": "200"},
        preexec_fn=ctrl_c_as_in_a_terminal,
    )
    lines: list[str] = []
    found = threading.Event()

    def read() -> None:
        for line in process.stderr:
            lines.append(line)
            if "http://127.0.0.1:" in line:
                found.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert found.wait(30), "".join(lines)
        match = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=([\w-]+)", "".join(lines))
        assert match, lines
        connection = http.client.HTTPConnection("127.0.0.1", int(match[1]), timeout=TIMEOUT)
        connection.request("GET", f"/api/episode?token={match[2]}")
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())["media"] == episode.name
        connection.close()
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=15)
        reader.join(timeout=5)
    assert code == 0, "".join(lines)
    assert "stopped" in "".join(lines)


def test_review_help_and_a_missing_episode(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from gztranscribe.cli import app

    if "review" not in [c.name for c in app.registered_commands]:
        from gztranscribe.cli_review import register

        register(app)
    runner = CliRunner()
    result = runner.invoke(app, ["review", "--help"], prog_name="gztranscribe")
    assert result.exit_code == 0 and "Review an episode in the browser" in result.stdout
    assert "--no-browser" in result.stdout and "--port" in result.stdout
    result = runner.invoke(app, ["review", str(tmp_path / "nope.mp4"), "--no-browser"])
    assert result.exit_code == 3, result.output
    assert "error:" in result.stderr and "nope.mp4" in result.stderr


def test_episode_files_follow_the_output_folder(tmp_path: Path) -> None:
    files = EpisodeFiles.of(tmp_path / "ep.mp4", tmp_path / "published")
    assert files.json == tmp_path / "published" / "ep.json"
    assert files.path("vtt") == tmp_path / "published" / "ep.vtt"


def test_review_transcribes_first_when_there_is_no_transcript(
    tmp_path: Path, model_loads: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No EPISODE.json: the command transcribes (with the show's settings), then serves."""
    from typer.testing import CliRunner

    from gztranscribe.cli import app

    if "review" not in [c.name for c in app.registered_commands]:
        from gztranscribe.cli_review import register

        register(app)
    media = tmp_path / SAMPLE.name
    shutil.copyfile(SAMPLE, media)
    served: list[str] = []

    def serve_once(self: ReviewServer, *args: Any, **kwargs: Any) -> None:
        def ask() -> None:
            status, body, _ = request(self, "GET", "/api/episode")
            served.append(json.loads(body)["media"] if status == 200 else str(status))

        client = threading.Thread(target=ask)
        client.start()
        self.handle_request()
        client.join(TIMEOUT)
        raise KeyboardInterrupt  # Ctrl-C

    monkeypatch.setattr(ReviewServer, "serve_forever", serve_once)
    result = CliRunner().invoke(app, ["review", str(media), "--no-browser", "-o", tmp_path / "out"])
    assert result.exit_code == 0, result.output
    assert len(model_loads) == 1 and served == [media.name]
    assert "transcribing it first" in result.stderr and "http://127.0.0.1:" in result.stderr
    for fmt in ("vtt", "txt", "json"):
        assert (tmp_path / "out" / f"{NAME}.{fmt}").is_file()


def test_page_lists_audible_passages_with_no_words_beside_the_unsure_words(
    browser: Any, episode: Path
) -> None:
    """The JSON's coverage says 00:03-00:06 was audible but wordless: the page lists it, a click seeks."""
    json_path = episode.with_suffix(".json")
    data = json.loads(json_path.read_text())
    data["coverage"] = {"audible_seconds": 60.0, "covered_seconds": 57.0, "noise_floor_db": -70.0,
                        "examined": [{"start": 3.0, "end": 6.0, "outcome": "unsure", "words": 0,
                                      "heard": "hm"}],
                        "unheard": [{"start": 3.0, "end": 6.0}]}  # fmt: skip
    json_path.write_text(json.dumps(data))
    session = open_review(episode, resolve_settings(episode))
    assert session.payload()["unheard"] == [{"start": 3.0, "end": 6.0}]
    instance = ReviewServer(session)
    thread = instance.start_background()
    try:
        page, problems = open_page(browser, instance)
        items = wait_until(page, "() => { const b = document.querySelectorAll('#unheard li button');"
                                 " return b.length ? Array.from(b, (x) => x.textContent) : null; }")
        assert len(items) == 1 and "00:03" in items[0] and "no words recognized" in items[0]
        page.click("#unheard li button")
        wait_until(page, "() => Math.abs(document.getElementById('video').currentTime - 3.0) < 0.3")
        assert problems == []
        page.close()
    finally:
        instance.shutdown()
        instance.server_close()
        thread.join(timeout=5)
