#!/usr/bin/env python3
"""The ../shared/eval accuracy bounds in one run, with one loaded model.

  real-en   corpus WER over the 16 real recordings (references cleaned as wer_dir.py does)
  episode   WER of the 5-minute synthetic episode
  real mix  WER of the 3-minute mix of real recordings
Whisper's English normalizer on both sides; the transcript is `Transcriber.transcribe`'s text, as
the JSON records it. Bounds (issue 11): real-en <= 0.065, episode <= 0.03, real mix <= 0.05.

Usage: python benchmarks/bench_eval.py [--eval DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
BOUNDS = {"real-en": 0.065, "episode": 0.03, "real mix": 0.05}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", type=Path, default=REPO.parent / "shared" / "eval")
    a = ap.parse_args()
    from longform import normalized_wer  # the scoring the long-form benchmark and tests share

    from gztranscribe.media import extract_audio
    from gztranscribe.transcribe import Transcriber

    sys.path.insert(0, str(a.eval))
    import wer_dir  # the eval set's own reference cleaning

    transcriber = Transcriber.load()
    refs, hyps = [], []
    for audio in sorted((a.eval / "real-en").iterdir()):
        if audio.suffix not in wer_dir.AUDIO:
            continue
        refs.append(wer_dir.clean_ref(audio.with_suffix(".txt").read_text(), audio.stem))
        hyps.append(transcriber.transcribe(extract_audio(audio)).text)
    results = {"real-en": normalized_wer(refs, hyps)}
    for label, name in (("episode", "quicktake-slt"), ("real mix", "real-mix")):
        folder = a.eval / "episodes" / name
        text = transcriber.transcribe(extract_audio(folder / f"{name}.mp4")).text
        results[label] = normalized_wer([(folder / "reference.txt").read_text()], [text])
    for label, wer in results.items():
        verdict = "ok" if wer <= BOUNDS[label] else "OVER"
        print(f"{label:<10} WER {wer:.4f}  (bound {BOUNDS[label]})  {verdict}")


if __name__ == "__main__":
    main()
