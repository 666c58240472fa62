#!/usr/bin/env python3
"""How well ``full_stops`` tells a sentence end heard as a comma from a real comma.

For each generated episode (the folders `bench_episodes.py --work DIR` leaves), the file is
transcribed without ``full_stops``; every comma it would ask about is scored by the model, and
labelled from the text the voice read: END when the reference has "word. Next" there, COMMA when
it has "word, next", and ? when the model misheard a word on either side (judge those by eye).
Printed: one line per question, then how many of each label score above ``FULL_STOP_SHARE``.

Usage: python benchmarks/bench_full_stops.py [--work /tmp/gz-episodes]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from gztranscribe import full_stops as fs
from gztranscribe.media import extract_audio
from gztranscribe.transcribe import DecodeOptions, Transcriber


def label(reference: str, word: str, following: str) -> str:
    text = re.sub(r"[^a-z0-9.,?! ]", "", reference.lower())
    key, next_key = (re.sub(r"[^a-z0-9]", "", w.lower()) for w in (word, following))
    if re.search(rf"\b{key}[.?!] {next_key}\b", text):
        return "END"
    if re.search(rf"\b{key}, {next_key}\b", text):
        return "COMMA"
    return "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/gz-episodes"))
    a = ap.parse_args()
    transcriber = Transcriber.load()
    asked_by_label: Counter[str] = Counter()
    above: Counter[str] = Counter()
    for folder in sorted(p for p in a.work.iterdir() if (p / "episode.wav").exists()):
        audio = extract_audio(folder / "episode.wav")
        segments = list(transcriber.transcribe(audio, DecodeOptions(restore_full_stops=False)).segments)
        words = [w for s in segments for w in s.words]
        asked = fs.questions(segments)
        reference = (folder / "reference.txt").read_text()
        for question, share in zip(asked, fs.full_stop_shares(transcriber.model, audio, asked), strict=True):
            word = segments[question.segment].words[question.word]
            following = words[words.index(word) + 1]
            kind = label(reference, word.text, following.text)
            asked_by_label[kind] += 1
            above[kind] += share > fs.FULL_STOP_SHARE
            print(f"{folder.name:<24} {kind:<5} {share:.3f}  pause {following.start - word.end:.2f}  "
                  f"{word.text} {following.text}", flush=True)
    print(f"\nabove {fs.FULL_STOP_SHARE} (made full stops) / asked:")
    for kind in ("END", "COMMA", "?"):
        print(f"  {kind:<5} {above[kind]} / {asked_by_label[kind]}")


if __name__ == "__main__":
    main()
