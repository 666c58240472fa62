#!/usr/bin/env python3
"""Clean verbatim and paragraphs, measured on real transcripts from the real pipeline.

For every clip in ../shared/eval/disfluent-en/ and ../shared/eval/real-en/ it transcribes once
(the library: ``Transcriber.load()``, ``extract_audio``, ``Transcriber.transcribe``) and scores
the transcript as the model wrote it and in clean verbatim (``cleanup.clean_transcript``):

- corpus WER of each set, with and without cleanup (Whisper's English normalizer; reference
  markup ``<...>`` and ``[...]`` removed and sonnet numbers dropped, exactly as
  ../shared/eval/wer_dir.py does -- its ``clean_ref`` is reused);
- hesitation tokens (um, uh, er, erm, hmm, hm, mm) in the transcripts and in the captions
  built from them (``document.build_document``);

then transcribes the 5-minute episode and the bundled sample, builds paragraphs from the clean
words (``text.paragraphs``), and counts how many of the published paragraph breaks it matches
within one sentence (and exactly), and how many breaks it adds.

Usage: python benchmarks/bench_text.py [--sets disfluent-en,real-en,paragraphs] [--verbose]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import time
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import jiwer
from whisper_normalizer.english import EnglishTextNormalizer

from gztranscribe.cleanup import clean_transcript
from gztranscribe.document import build_document
from gztranscribe.media import extract_audio
from gztranscribe.text import paragraphs, split_sentences
from gztranscribe.transcribe import Transcriber
from gztranscribe.types import Paragraph, Transcript, Word

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"  # the full eval set, when it is beside the repository
if not EVAL.is_dir():  # else the copy the tests read
    EVAL = REPO / "tests" / "data" / "eval"
AUDIO = {".wav", ".flac", ".mp3", ".ogg", ".m4a", ".opus", ".mp4"}
HESITATIONS = {"um", "uh", "er", "erm", "hmm", "hm", "mm", "umm", "uhm"}
PUBLISHED = {
    "episode (quicktake-slt, 5 min)": (
        EVAL / "episodes" / "quicktake-slt" / "quicktake-slt.mp4",
        EVAL / "episodes" / "quicktake-slt" / "reference.json",
    ),
    "sample (commentary, 1 min)": (
        REPO / "samples" / "commentary.mp4",
        REPO / "samples" / "reference" / "commentary.json",
    ),
}

normalize = EnglishTextNormalizer()


def _wer_dir():
    spec = importlib.util.spec_from_file_location("wer_dir", EVAL / "wer_dir.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def hesitations(text: str) -> int:
    return sum(t in HESITATIONS for t in re.findall(r"[a-z']+", text.lower()))


def clips(folder: Path) -> list[Path]:
    return [
        p
        for p in sorted(folder.iterdir())
        if p.suffix.lower() in AUDIO and p.with_suffix(".txt").exists()
    ]


def score_set(name: str, transcriber: Transcriber, verbose: bool) -> dict:
    clean_ref = _wer_dir().clean_ref
    refs, raw_hyps, clean_hyps = [], [], []
    left = {"raw": 0, "clean": 0, "captions": 0}
    audio_seconds = 0.0
    started = time.perf_counter()
    for path in clips(EVAL / name):
        audio = extract_audio(path)
        audio_seconds += len(audio) / 16000
        raw = transcriber.transcribe(audio, source=path.name)
        clean = clean_transcript(raw)
        cues = build_document(clean).captions.cues
        left["raw"] += hesitations(raw.text)
        left["clean"] += hesitations(clean.text)
        left["captions"] += hesitations(" ".join(c.text for c in cues))
        ref = normalize(clean_ref(path.with_suffix(".txt").read_text(), path.stem))
        if verbose and raw.text != clean.text:
            print(f"  {path.stem}\n    model: {raw.text}\n    clean: {clean.text}")
        if not ref.strip():
            continue  # wer_dir.py skips references that are all markup
        refs.append(ref)
        raw_hyps.append(normalize(raw.text))
        clean_hyps.append(normalize(clean.text))
    return {
        "set": name,
        "files": len(refs),
        "audio_s": round(audio_seconds, 1),
        "wall_s": round(time.perf_counter() - started, 1),
        "wer_raw": round(jiwer.wer(refs, raw_hyps), 4),
        "wer_clean": round(jiwer.wer(refs, clean_hyps), 4),
        "hesitations": left,
    }


def break_matches(
    ours: Sequence[Paragraph], words: Sequence[Word], reference: Path
) -> dict[str, int]:
    """Published breaks matched by ours within one sentence (one-to-one), exactly, and extras.

    Both sides are placed on the transcript's own sentences: a published break is the sentence
    of ours whose start is nearest the published paragraph's first sentence.
    """
    published = json.loads(reference.read_text())["sentences"]
    starts = [s[0].start for s in split_sentences(words)]

    def nearest(t: float) -> int:
        return min(range(len(starts)), key=lambda i: abs(starts[i] - t))

    wanted = [
        nearest(b["start"]) for a, b in pairwise(published) if a["paragraph"] != b["paragraph"]
    ]
    mine = [nearest(p.start) for p in ours[1:]]
    free, matched = list(mine), 0
    for b in wanted:
        close = [m for m in free if abs(m - b) <= 1]
        if close:
            free.remove(min(close, key=lambda m: abs(m - b)))
            matched += 1
    return {
        "published": len(wanted),
        "matched_within_1": matched,
        "exact": len(set(wanted) & set(mine)),
        "ours": len(mine),
        "extra": len(free),
    }


def score_paragraphs(transcriber: Transcriber, verbose: bool) -> list[dict]:
    rows = []
    for name, (media, reference) in PUBLISHED.items():
        clean: Transcript = clean_transcript(transcriber.transcribe(extract_audio(media)))
        ours = paragraphs(clean.words)
        rows.append({"file": name, **break_matches(ours, clean.words, reference)})
        if verbose:
            for p in ours:
                print(f"  [{p.start:6.1f}] {len(p.text.split()):3d} words  {p.text[:70]}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="disfluent-en,real-en,paragraphs")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    sets = args.sets.split(",")
    transcriber = Transcriber.load()
    result: dict = {"wer": [], "paragraphs": []}
    for name in sets:
        if name != "paragraphs":
            result["wer"].append(score_set(name, transcriber, args.verbose))
    if "paragraphs" in sets:
        result["paragraphs"] = score_paragraphs(transcriber, args.verbose)
    if args.json:
        print(json.dumps(result))
        return
    print("\nWER (normalized, markup removed)  and hesitation tokens (um/uh/er/erm/hmm/hm/mm) left")
    print(
        f"{'set':14} {'files':>5} {'audio s':>8} {'WER model':>10} {'WER clean':>10}"
        f" {'hes. model':>10} {'hes. clean':>10} {'hes. captions':>13}"
    )
    for r in result["wer"]:
        h = r["hesitations"]
        print(
            f"{r['set']:14} {r['files']:5d} {r['audio_s']:8.1f} {r['wer_raw']:10.4f}"
            f" {r['wer_clean']:10.4f} {h['raw']:10d} {h['clean']:10d} {h['captions']:13d}"
        )
    if result["paragraphs"]:
        print("\nParagraph breaks vs the published transcript")
        print(f"{'file':32} {'published':>9} {'within 1':>8} {'exact':>5} {'ours':>5} {'extra':>5}")
        for r in result["paragraphs"]:
            print(
                f"{r['file']:32} {r['published']:9d} {r['matched_within_1']:8d} {r['exact']:5d}"
                f" {r['ours']:5d} {r['extra']:5d}"
            )


if __name__ == "__main__":
    sys.exit(main())
