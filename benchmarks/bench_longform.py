#!/usr/bin/env python3
"""Long-form robustness: does a long recording of many voices keep every passage its clips have alone?

For each seed, ``tests/longform.py`` builds a mix of the eval recordings (real-en + disfluent-en:
random order, pauses 0.3-4 s, gains -20..0 dB, optional noise bed, music bed and music intro). The
mix is transcribed once (Transcriber.transcribe + clean verbatim, as `gztranscribe` does), and each
clip is cut out of the mix (its gain, its beds) and transcribed on its own. Printed per seed: WER of
the mix, WER of its clips alone, and the clips *lost* (>= 3 words right alone, fewer than half of those in the mix).
Pass: every mix WER <= alone WER + 0.01 and no lost clip.

With --floor, each clip is also transcribed alone with 0.25 s and with 1 s of each pause around it
(``cut`` takes 0.5 s), and the last lines count the seeds on which those, as equally fair "clips
alone", fail the same test against the 0.5-s cut: how much of a failure is the comparison's own noise.

Usage: python benchmarks/bench_longform.py [--seeds 1-20] [--seconds 180] [--raw] [--floor] [--data DIR]
  -v       print each lost clip's text alone and in the mix
  --raw    also decode each mix with raw faster-whisper (beam 5, sequential, word timestamps, no VAD)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from longform import MixSettings, cut, load_clips, make_mix, normalized_wer, recut, score, words_of

from gztranscribe.media import extract_audio
from gztranscribe.pipeline import TextOptions, finish_transcript
from gztranscribe.transcribe import ModelOptions, Transcriber
from gztranscribe.types import Transcript


def parse_seeds(spec: str) -> list[int]:
    seeds: list[int] = []
    try:
        for part in spec.split(","):
            lo, _, hi = part.partition("-")
            seeds.extend(range(int(lo), int(hi or lo) + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{spec!r}: give seeds like 1-20 or 3,8,11") from None
    return seeds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=parse_seeds, default="1-20")
    ap.add_argument("--seconds", type=float, default=180.0, help="length of each mix")
    ap.add_argument("--data", type=Path, default=REPO / "tests" / "data" / "eval")
    ap.add_argument("--raw", action="store_true")
    ap.add_argument("--floor", action="store_true", help="also transcribe the clips alone with other cuts")
    ap.add_argument("--verbose", "-v", action="store_true", help="print what was heard of each lost clip")
    a = ap.parse_args()
    folders = [f for f in (a.data / "real-en", a.data / "disfluent-en") if f.is_dir()]
    if not folders:
        ap.error(f"{a.data} has no real-en/ or disfluent-en/ folder of clips with .txt references "
                 "(benchmarks/make_other_clips.sh OUT writes one)")
    clips = load_clips(folders, extract_audio)
    transcriber = Transcriber.load(ModelOptions())

    def transcribe(audio) -> Transcript:
        transcript, _ = finish_transcript(transcriber.transcribe(audio), TextOptions())
        return transcript

    print(f"{len(clips)} clips; mixes of ~{a.seconds:.0f} s")
    floor_cuts = FLOOR_CUTS if a.floor else ()
    floor_head = "".join(f" {f'alone {most:g}':>9}" for most in floor_cuts)
    header = (f"{'seed':>4} {'min':>5} {'mix WER':>8} {'alone':>7}{floor_head} {'raw':>7} {'lost':>5} {'s':>6}"
              "  mix / lost clips")
    print(header)
    print("-" * len(header))
    failed = 0
    floor_failed = dict.fromkeys(floor_cuts, 0)
    for seed in a.seeds:
        mix = make_mix(clips, seed, MixSettings(seconds=a.seconds))
        began = time.perf_counter()
        whole = transcribe(mix.audio)
        took = time.perf_counter() - began
        alone = [transcribe(cut(mix, placed)) for placed in mix.clips]
        result = score(mix, whole.text, words_of(whole.words), [t.text for t in alone],
                       [words_of(t.words) for t in alone], normalized_wer)
        others = [normalized_wer([mix.reference], [" ".join(transcribe(recut(mix, i, most)).text
                                                             for i in range(len(mix.clips)))])
                  for most in floor_cuts]
        for most, wer in zip(floor_cuts, others):
            floor_failed[most] += wer > result.alone_wer + 0.01
        raw = f"{normalized_wer([mix.reference], [raw_text(transcriber, mix.audio)]):>7.3f}" if a.raw else f"{'-':>7}"
        ok = result.mix_wer <= result.alone_wer + 0.01 and not result.lost
        failed += not ok
        print(f"{seed:>4} {mix.duration / 60:>5.1f} {result.mix_wer:>8.3f} {result.alone_wer:>7.3f}"
              + "".join(f" {wer:>9.3f}" for wer in others) + f" {raw} "
              f"{len(result.lost):>5} {took:>6.1f}  {'ok ' if ok else 'BAD'} {mix.description}"
              + (f"; lost: {', '.join(result.lost)}" if result.lost else ""), flush=True)
        if a.verbose:
            from longform import words_in

            mix_words = words_of(whole.words)
            for placed, text in zip(mix.clips, alone):
                in_mix = " ".join(words_in(mix_words, *placed.cut))
                worse = normalized_wer([placed.text], [in_mix]) - normalized_wer([placed.text], [text.text])
                if placed.name in result.lost or worse > 0.25:
                    print(f"      {placed.name} {placed.start:.1f}-{placed.end:.1f}: alone {text.text!r}; "
                          f"mix {' '.join(words_in(mix_words, *placed.cut))!r}")
    total = len(a.seeds)
    print(f"{failed} of {total} mixes fail (mix WER > alone + 0.01, or a lost clip)")
    for most, count in floor_failed.items():
        print(f"noise floor: the clips alone cut with {most:g} s of each pause are worse than with 0.5 s "
              f"by more than 0.01 on {count} of {total} seeds")


FLOOR_CUTS = (0.25, 1.0)  # seconds of each pause around a clip, besides cut's 0.5


def raw_text(transcriber: Transcriber, audio) -> str:
    segments, _ = transcriber.model.transcribe(audio, beam_size=5, word_timestamps=True, language="en")
    return " ".join(s.text for s in segments)


if __name__ == "__main__":
    main()
