#!/usr/bin/env python3
"""Peak memory (RSS) of transcribing long files: 30 minutes, 1 hour, 3 hours.

The files are generated into a temporary folder (never committed): quiet room noise (-50 dBFS,
brown-tinted) with real speech from tests/data/eval/real-en dropped in every few minutes; the
3-hour one is noise ending in one spoken minute (the recording that peaked at 4.6 GB). Each file
is transcribed in a fresh process by ``pipeline.transcribe_file`` (what ``gztranscribe FILE``
runs), measured with ``/usr/bin/time -v`` (maximum resident set size) or, without it, by polling
the child's RSS with psutil:

  chunked   the default for files over 15 minutes: ffmpeg decodes into a pipe, 5-minute chunks
  whole     the whole-file path (``chunk_seconds=0``): every sample in memory at once

Usage: python benchmarks/bench_memory.py [--lengths 30,60,180] [--modes chunked,whole]
       [--keep DIR]   (minutes; --keep writes the generated files there and keeps them)
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
CLIPS = REPO / "tests" / "data" / "eval" / "real-en"
RATE = 16_000
DRIVER = """
import sys
from pathlib import Path
from gztranscribe.pipeline import OutputOptions, transcribe_file
from gztranscribe.transcribe import Transcriber
path, out, chunk = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
result = transcribe_file(path, Transcriber.load(), outputs=OutputOptions(output_dir=out),
                         chunk_seconds=None if chunk == "default" else float(chunk))
print(len(result.transcript.words), "words", round(result.transcript.duration, 1), "s")
"""


def speech_clips() -> list[np.ndarray]:
    sys.path.insert(0, str(REPO / "src"))
    from gztranscribe.media import extract_audio

    names = sorted(p for p in CLIPS.iterdir() if p.suffix in (".wav", ".flac", ".mp3"))
    return [extract_audio(p) for p in names]


def make_file(path: Path, minutes: int, clips: list[np.ndarray], seed: int = 0) -> None:
    """Noise with a clip every ~4 minutes; the 3-hour shape (180+) ends in a spoken minute."""
    rng = np.random.default_rng(seed)
    total = minutes * 60 * RATE
    spoken_tail = np.concatenate(clips)[: 60 * RATE] if minutes >= 180 else None
    inserts: dict[int, np.ndarray] = {}
    if spoken_tail is None:
        every = 4 * 60 * RATE
        for n, at in enumerate(range(every // 2, total - every // 2, every)):
            inserts[at] = clips[n % len(clips)]
    else:
        inserts[total - len(spoken_tail)] = spoken_tail
    block = 60 * RATE
    level = 10 ** (-50 / 20)
    state = 0.0
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        for start in range(0, total, block):
            n = min(block, total - start)
            white = rng.normal(0, 1, n)
            brown = np.cumsum(white) * 0.02 + state  # a room's low rumble
            brown -= np.linspace(0, brown[-1] - state, n)  # keep it from drifting away
            state = float(brown[-1])
            noise = (white * 0.5 + brown) * level
            for at, clip in inserts.items():
                lo, hi = max(at, start), min(at + len(clip), start + n)
                if lo < hi:
                    noise[lo - start : hi - start] += clip[lo - at : hi - at]
            out.writeframes((np.clip(noise, -1, 1) * 32767).astype(np.int16).tobytes())


def peak_rss_mib(args: list[str]) -> tuple[float, float, str]:
    """(peak MiB, wall seconds, stdout) of a child process."""
    started = time.perf_counter()
    env = {"PYTHONPATH": str(REPO / "src")}
    import os

    env = {**os.environ, **env}
    if Path("/usr/bin/time").exists():
        done = subprocess.run(
            ["/usr/bin/time", "-v", *args], capture_output=True, text=True, env=env, check=False
        )
        wall = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"failed: {done.stderr[-2000:]}")
        kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)[1])
        return kb / 1024, wall, done.stdout.strip()
    import psutil

    child = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env)
    proc, peak = psutil.Process(child.pid), 0
    while child.poll() is None:
        try:
            peak = max(peak, proc.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    out = child.stdout.read() if child.stdout else ""
    return peak / 2**20, time.perf_counter() - started, out.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", default="30,60,180", help="minutes, comma-separated")
    parser.add_argument("--modes", default="chunked,whole")
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    lengths = [int(x) for x in args.lengths.split(",")]
    modes = args.modes.split(",")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-memory-"))
    folder.mkdir(parents=True, exist_ok=True)
    clips = speech_clips()
    print("| file | mode | peak RSS MiB | wall s | result |")
    print("| --- | --- | --- | --- | --- |")
    try:
        for minutes in lengths:
            path = folder / f"room-{minutes}min.wav"
            if not path.exists():
                make_file(path, minutes, clips)
            for mode in modes:
                chunk = {"chunked": "default", "whole": "0"}[mode]
                out = folder / f"out-{minutes}-{mode}"
                cmd = [sys.executable, "-c", DRIVER, str(path), str(out), chunk]
                peak, wall, result = peak_rss_mib(cmd)
                print(f"| {minutes} min | {mode} | {peak:.0f} | {wall:.0f} | {result} |", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
