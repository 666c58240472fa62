#!/usr/bin/env python3
"""Which library reads each caption format best? The measurement behind ``importing/``.

Every candidate reader of pycaption, pysubs2 and webvtt-py that claims a format reads the same
generated corpus (``tests/import_corpus.py``: files written by the three libraries' writers and
by hand as editors, platforms and broadcast captioners write them; ~4-6 files a format). For
each (format, library) it prints:

  read     files read without an exception
  words    files whose words are exactly the script's words, in order (SCC: ignoring case)
  times    files whose cue starts are the script's, within 1 ms (SCC excluded: 608 timecodes
           are frames, and writers shift cues earlier for the decoder's load time)
  inline   YouTube roll-up files whose inline word times survive (only a reader that keeps the
           raw cue text can)
  ms/file  mean read time
  x4 size  read time of a 16-copy file of the episode's text over a 4-copy one (hand-written
           form of the format; ~160 vs ~40 minutes of captions; linear is 4), and the 16-copy ms

then the reader ``importing.READERS`` chose, end to end (roll-up de-duplication included).

Usage: python benchmarks/bench_import.py
"""

from __future__ import annotations

import html
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from import_corpus import Fixture, corpus

from gztranscribe.errors import GzError
from gztranscribe.importing import read_timed_text
from gztranscribe.importing.library import call
from gztranscribe.importing.pycaption_blocks import blocks_of
from gztranscribe.importing.rollup import repeats_rows, spoken_blocks
from gztranscribe.importing.timed_text import TimedBlock, block

Reader = Callable[[str], list[TimedBlock]]


def pycaption(reader: str) -> Reader:
    def read(text: str) -> list[TimedBlock]:
        import pycaption as pc

        return list(call("bench", "x", lambda: blocks_of(getattr(pc, reader)().read(text))))

    return read


def pysubs2(fmt: str) -> Reader:
    def read(text: str) -> list[TimedBlock]:
        import pysubs2 as ps

        subs = call("bench", "x", lambda: ps.SSAFile.from_string(text, format_=fmt))
        found = (block(e.start / 1000, e.end / 1000, e.plaintext) for e in subs.events
                 if not (e.is_comment or e.is_drawing))  # fmt: skip
        return [b for b in found if b is not None]

    return read


def webvtt_py(fmt: str) -> Reader:
    def read(text: str) -> list[TimedBlock]:
        import webvtt

        parsed = call(
            "bench", "x", lambda: webvtt.WebVTT.from_buffer(io.StringIO(text), format=fmt)
        )
        found = (
            block(c.start_time.in_milliseconds() / 1000, c.end_time.in_milliseconds() / 1000,
                  html.unescape(c.text) if fmt == "vtt" else c.text)
            for c in parsed.captions
        )  # fmt: skip
        return [b for b in found if b is not None]

    return read


def ours(text: str) -> list[TimedBlock]:
    return list(read_timed_text(text, "bench").blocks)


CANDIDATES: dict[str, list[tuple[str, Reader]]] = {
    "scc": [("pycaption", pycaption("SCCReader"))],
    "ttml": [("pycaption", pycaption("DFXPReader")), ("pysubs2", pysubs2("ttml"))],
    "sami": [("pycaption", pycaption("SAMIReader")), ("pysubs2", pysubs2("sami"))],
    "sbv": [("webvtt-py", webvtt_py("sbv"))],
    "ass": [("pysubs2", pysubs2(None))],  # type: ignore[arg-type]
    "srt": [("pycaption", pycaption("SRTReader")), ("pysubs2", pysubs2("srt")),
            ("webvtt-py", webvtt_py("srt"))],
    "microdvd": [("pycaption", pycaption("MicroDVDReader")), ("pysubs2", pysubs2("microdvd"))],
    "vtt": [("pycaption", pycaption("WebVTTReader")), ("pysubs2", pysubs2("vtt")),
            ("webvtt-py", webvtt_py("vtt"))],
}  # fmt: skip


def _words(blocks: list[TimedBlock], fixture: Fixture) -> bool:
    if repeats_rows(blocks):
        blocks = list(spoken_blocks(blocks))
    got = [w for b in blocks for w in b.tokens]
    want = list(fixture.words)
    if fixture.upper:
        return [w.lower() for w in got] == [w.lower() for w in want]
    return got == want


def _times(blocks: list[TimedBlock], fixture: Fixture) -> bool:
    """Within 1 ms (ASS holds centiseconds: 5 ms; MicroDVD frames: half a frame)."""
    tolerance = {"ass": 0.0051, "microdvd": 0.021}.get(fixture.kind, 0.0011)
    starts = [b.start for b in blocks]
    return len(starts) == len(fixture.starts) and all(
        abs(a - b) <= tolerance for a, b in zip(starts, fixture.starts)
    )


def _inline(blocks: list[TimedBlock]) -> bool:
    return any(b.words for b in blocks)


def measure(name: str, read: Reader, files: list[Fixture]) -> dict[str, object]:
    ok = words = times = inline = 0
    youtube = [f for f in files if "youtube-auto" in f.name and f.kind == "vtt"]
    timed_files = [f for f in files if f.kind != "scc" and f not in youtube]
    elapsed = 0.0
    try:
        read(files[0].data.decode("utf-8-sig"))  # warm up: imports are not reading time
    except GzError:
        pass
    for fixture in files:
        text = fixture.data.decode("utf-8-sig")
        started = time.perf_counter()
        try:
            blocks = read(text)
        except GzError:
            continue
        finally:
            elapsed += time.perf_counter() - started
        ok += 1
        words += _words(blocks, fixture)
        times += fixture in timed_files and _times(blocks, fixture)
        inline += fixture in youtube and _inline(blocks)
    scale = _scale(read, files[0].kind)
    return {
        "reader": name, "read": f"{ok}/{len(files)}", "words": f"{words}/{len(files)}",
        "times": f"{times}/{len(timed_files)}" if timed_files else "-",
        "inline": f"{inline}/{len(youtube)}" if youtube else "-",
        "ms": 1000 * elapsed / len(files), "scale": scale,
    }  # fmt: skip


def _writers() -> dict[str, Callable[[list], bytes | str]]:
    import import_corpus as c

    return {
        "scc": c.scc_rollup, "ttml": c.ttml_by_hand, "sami": c.sami_by_hand, "sbv": c.sbv_by_hand,
        "ass": c.ass_by_hand, "srt": c.srt_by_hand, "vtt": c.vtt_by_hand,
        "microdvd": c.microdvd_by_hand,
    }  # fmt: skip


def _long(copies: int) -> list:
    """The episode's text ``copies`` times over, one copy after another in time."""
    from import_corpus import make_script

    one = make_script(1, n=40)
    span = one[-1][1] + 2.0
    return [(s + k * span, e + k * span, lines) for k in range(copies) for s, e, lines in one]


def _scale(read: Reader, kind: str) -> str:
    """Read time of a 16-copy file over a 4-copy one (~40 and ~160 minutes): linear is 4."""
    write = _writers()[kind]
    texts = []
    for copies in (4, 16):
        data = write(_long(copies))
        texts.append(data.decode("utf-8-sig") if isinstance(data, bytes) else data)
    try:
        small = _best(lambda: read(texts[0]))
        large = _best(lambda: read(texts[1]))
    except GzError:
        return "-"
    return f"{large / small:.1f} ({1000 * large:.0f} ms)"


def _best(run: Callable[[], object], repeat: int = 2) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    files = corpus()
    by_kind: dict[str, list[Fixture]] = {}
    for f in files:
        by_kind.setdefault(f.kind, []).append(f)
    print(f"corpus: {len(files)} files, {sum(len(f.words) for f in files)} words")
    print("| format | reader | read | words | times | inline | ms/file | x4 size |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind, candidates in CANDIDATES.items():
        rows = [measure(name, read, by_kind[kind]) for name, read in candidates]
        rows.append(measure("**chosen** (import)", ours, by_kind[kind]))
        for row in rows:
            print(f"| {kind} | {row['reader']} | {row['read']} | {row['words']} | {row['times']} | "
                  f"{row['inline']} | {row['ms']:.1f} | {row['scale']} |")  # fmt: skip


if __name__ == "__main__":
    main()
